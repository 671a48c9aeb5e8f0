import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'redirect',
  message: (hit, source) =>
    `${hit.label}: the target comes from ${sourceKind(hit)} (${source}), so a link to this site can send users to any other site; redirect only to paths of this site (check with \`url_has_allowed_host_and_scheme\`) or to a fixed set of targets`,
  meta: {
    id: 'VG106',
    name: 'open-redirect',
    title: 'Redirect to a URL from request data',
    cwe: [601],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data used as the target of a redirect: Flask and Werkzeug `redirect`, Django `redirect`/`HttpResponseRedirect`, Starlette `RedirectResponse`, aiohttp `HTTPFound`, Tornado `self.redirect`, Pyramid `HTTPFound`, a `Location` header (`send_header` in `http.server`, the `headers` of an AWS Lambda proxy response).',
      whyIsThisBad:
        'A link such as `https://example.com/login?next=https://evil.example/` looks like it belongs to your site, and after login sends the user to a look-alike page that asks for the password again or serves malware. Phishing campaigns rely on such trusted-looking links (open redirect).',
      example: [
        'from flask import Flask, redirect, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/login/done")',
        'def done():',
        '    return redirect(request.args["next"])',
      ].join('\n'),
      useInstead: [
        'from django.utils.http import url_has_allowed_host_and_scheme',
        'from flask import Flask, redirect, request, url_for',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/login/done")',
        'def done():',
        '    target = request.args.get("next", "")',
        '    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.host}):',
        '        target = url_for("index")',
        '    return redirect(target)',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/601.html',
        'https://cheatsheetseries.owasp.org/cheatsheets/Unvalidated_Redirects_and_Forwards_Cheat_Sheet.html',
        'https://docs.djangoproject.com/en/stable/ref/utils/#django.utils.http.url_has_allowed_host_and_scheme',
      ],
      knownProblems:
        'A target built from a constant path of this site (`"/profile/" + name`) or a constant scheme and host is not flagged. `next.startswith("/")` alone is not a check (`//evil.example` starts with `/`) and is not recognised as one; neither is an empty `urlparse(next).netloc` (`/\\evil.example` has none, and browsers read it as `//evil.example`). The host of a parsed URL checked against an allow-list (`urlparse(next).hostname in ALLOWED_HOSTS`) is.',
    },
  },
});
