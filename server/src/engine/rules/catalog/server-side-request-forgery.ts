import { defineFlowRule, sourceKind } from '../flowRule';

export default defineFlowRule({
  concept: 'url',
  message: (hit, source) =>
    `${hit.label}: the URL or host comes from ${sourceKind(hit)} (${source}), so a client can make the server call internal services or cloud metadata endpoints; build the URL from a constant scheme and host and pass the data as a query parameter (\`params=\`), or check the host against an allow-list`,
  meta: {
    id: 'VG105',
    name: 'server-side-request-forgery',
    title: 'Outgoing request to a URL from request data',
    cwe: [918],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags request data that decides where the server sends a request: the URL of `requests`, `httpx`, `aiohttp` and `urllib` calls, the host of `http.client` connections. A value that only fills a query parameter (`params=`) or follows a constant `https://host/` prefix is not flagged.',
      whyIsThisBad:
        "The server can reach what the client cannot: internal admin interfaces, databases with HTTP APIs, the cloud provider's metadata service (`http://169.254.169.254/`) that hands out credentials. Letting the client choose the URL turns the server into its proxy into the internal network (server-side request forgery).",
      example: [
        'import requests',
        'from flask import Flask, request',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.route("/preview")',
        'def preview():',
        '    return requests.get(request.args["url"], timeout=5).text',
      ].join('\n'),
      useInstead: [
        'import requests',
        'from flask import Flask, abort, request',
        '',
        'app = Flask(__name__)',
        'ALLOWED_HOSTS = {"images.example.com"}',
        '',
        '',
        '@app.route("/preview")',
        'def preview():',
        '    # A constant scheme and host; the client only chooses the item.',
        '    reply = requests.get("https://images.example.com/items", params={"id": request.args["id"]}, timeout=5)',
        '    return reply.text',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/918.html',
        'https://owasp.org/www-community/attacks/Server_Side_Request_Forgery',
        'https://cheatsheetseries.owasp.org/cheatsheets/Server_Side_Request_Forgery_Prevention_Cheat_Sheet.html',
      ],
      knownProblems:
        'A host checked against an allow-list through a parsed URL (`if urlparse(url).hostname not in ALLOWED: abort()`, or `.netloc` of a value `urlsplit(url)` made) counts as a check of `url` and of the parsed value; a check of the scheme alone does not, nor a suffix check (`hostname.endswith(".example.com")`) Vigil cannot judge. Only data from requests counts.',
    },
  },
});
