import { defineRule } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, unparenthesize } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

const CSRF_EXEMPT: ReadonlySet<string> = new Set(['django.views.decorators.csrf.csrf_exempt']);
const METHOD_DECORATOR: ReadonlySet<string> = new Set(['django.utils.decorators.method_decorator']);
/** Decorators that restrict a view to safe methods, which CSRF protection does not check anyway. */
const SAFE_ONLY: ReadonlySet<string> = new Set([
  'django.views.decorators.http.require_GET',
  'django.views.decorators.http.require_safe',
]);

export default defineRule({
  meta: {
    id: 'VG703',
    name: 'django-csrf-exempt',
    title: 'Django view exempted from CSRF protection',
    cwe: [352],
    severity: 'medium',
    confidence: 'medium',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags Django views taken out of CSRF protection: `@csrf_exempt` on a view function or class, `@method_decorator(csrf_exempt, ...)`, and `csrf_exempt(view)` (for example in `urls.py`).',
      whyIsThisBad:
        'Django\'s CSRF middleware is what stops another web site from making a logged-in user\'s browser submit a form or request to your application: without it, a page the user visits elsewhere can post to the exempt view with the user\'s session cookie and change their email address, transfer money or delete data in their name.',
      example:
        'from django.http import JsonResponse\nfrom django.views.decorators.csrf import csrf_exempt\n\n\n@csrf_exempt\ndef update_email(request):\n    request.user.email = request.POST["email"]\n    request.user.save()\n    return JsonResponse({"ok": True})',
      useInstead:
        'from django.http import JsonResponse\nfrom django.views.decorators.http import require_POST\n\n\n@require_POST\ndef update_email(request):\n    # The form or fetch() sends the csrftoken cookie\'s value in X-CSRFToken.\n    request.user.email = request.POST["email"]\n    request.user.save()\n    return JsonResponse({"ok": True})',
      references: [
        'https://cwe.mitre.org/data/definitions/352.html',
        'https://docs.djangoproject.com/en/stable/ref/csrf/',
        'https://docs.djangoproject.com/en/stable/howto/csrf/',
        'https://owasp.org/www-community/attacks/csrf',
      ],
      knownProblems:
        'Some views are rightly exempt: webhooks that verify a signature (Stripe, GitHub), APIs authenticated by a token in a header rather than a cookie, and endpoints that change nothing. Vigil cannot tell these apart, so the finding has medium confidence; suppress it with the reason. Views that also carry `@require_GET` or `@require_safe` are not reported. Neither Bandit nor Ruff has this check, so only `# nosec`/`# noqa` without codes or naming VG703 silence it.',
    },
  },
  create(context) {
    const { model } = context;
    const isExempt = (node: SyntaxNode): boolean => CSRF_EXEMPT.has(model.qualifiedName(unparenthesize(node)) ?? '');

    /** Whether the decorated definition also restricts itself to safe methods. */
    const safeOnly = (decorator: SyntaxNode): boolean => {
      const definition = decorator.parent;
      if (definition?.type !== 'decorated_definition') return false;
      return definition.namedChildren.some((sibling) => {
        if (sibling.type !== 'decorator') return false;
        const expr = sibling.firstNamedChild();
        return !!expr && SAFE_ONLY.has(model.qualifiedName(unparenthesize(expr)) ?? '');
      });
    };

    const definitionName = (decorator: SyntaxNode): string => {
      const definition = decorator.parent?.child('definition');
      return definition?.child('name')?.text ?? 'this view';
    };

    return {
      decorator(decorator) {
        const expr = decorator.firstNamedChild();
        if (!expr || !isExempt(expr) || safeOnly(decorator)) return;
        context.report({
          at: decorator,
          message: `\`@${codeSnippet(expr)}\` turns off CSRF protection for \`${definitionName(decorator)}\`: another site can make a logged-in user's browser send this request with their cookies; keep the protection, or verify a signature or token header if this is a webhook or API`,
        });
      },
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        const args = callArguments(call);
        const first = args.positional[0];
        if (METHOD_DECORATOR.has(callee)) {
          if (!first || !isExempt(first)) return;
          const decorator = call.parent?.type === 'decorator' ? call.parent : null;
          if (decorator && safeOnly(decorator)) return;
          context.report({
            at: call,
            message: `\`${codeSnippet(call, 60)}\` turns off CSRF protection for ${decorator ? `\`${definitionName(decorator)}\`` : 'a view'}: another site can make a logged-in user's browser send this request with their cookies`,
          });
          return;
        }
        if (!CSRF_EXEMPT.has(callee) || !first) return;
        context.report({
          at: call,
          message: `\`${codeSnippet(call, 60)}\` turns off CSRF protection for \`${codeSnippet(first)}\`: another site can make a logged-in user's browser send this request with their cookies`,
        });
      },
    };
  },
});
