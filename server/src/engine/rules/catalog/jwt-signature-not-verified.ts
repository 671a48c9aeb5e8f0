import { defineRule } from '../rule';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments, nameWords, stringLiteralValue, terminalName, unparenthesize } from '../../syntax/python';
import { constantTruthiness } from '../support/call-arguments';
import { codeSnippet } from '../support/snippets';

/** PyJWT (1.x and 2.x) and python-jose decoders. */
const DECODERS = new Set([
  'jwt.decode',
  'jwt.decode_complete',
  'jwt.api_jwt.decode',
  'jwt.api_jwt.decode_complete',
  'jose.jwt.decode',
]);
/** Words in the name the claims are stored under that say they are read deliberately without trusting them. */
const UNTRUSTED_WORDS = new Set(['unverified', 'untrusted', 'unsafe', 'insecure', 'unvalidated', 'peek', 'peeked']);

function code(node: SyntaxNode): string {
  return codeSnippet(node, 48);
}

/** The dictionary or list a value is, following a name bound once: `options`, `OPTS`. */
function literalOf(model: SemanticModel, node: SyntaxNode, type: readonly string[]): SyntaxNode | null {
  let expr = unparenthesize(node);
  if (expr.type === 'identifier') {
    const value = model.singleValue(expr);
    if (!value) return null;
    expr = unparenthesize(value);
  }
  return type.includes(expr.type) ? expr : null;
}

/** The `"verify_signature": False` pair of an options dictionary. */
function signatureOff(model: SemanticModel, options: SyntaxNode): SyntaxNode | null {
  const dict = literalOf(model, options, ['dictionary']);
  if (!dict) return null;
  for (const pair of dict.namedChildren) {
    if (pair.type !== 'pair') continue;
    const key = pair.child('key');
    const value = pair.child('value');
    if (!key || !value) continue;
    const name = model.constantText(key) ?? stringLiteralValue(key);
    if (name === 'verify_signature' && constantTruthiness(model, value) === false) return pair;
  }
  return null;
}

/** The `"none"` element of an `algorithms` list. */
function noneAlgorithm(model: SemanticModel, algorithms: SyntaxNode): SyntaxNode | null {
  const list = literalOf(model, algorithms, ['list', 'tuple', 'set']);
  const elements = list ? list.namedChildren : [unparenthesize(algorithms)];
  for (const element of elements) {
    const text = model.constantText(element);
    if (text !== null && text.trim().toLowerCase() === 'none') return element;
  }
  return null;
}

/** The name the decoded claims are stored under, when the call is the right side of an assignment. */
function targetName(call: SyntaxNode): string | null {
  let node = call;
  while (node.parent?.type === 'parenthesized_expression') node = node.parent;
  const parent = node.parent;
  if (parent?.type !== 'assignment' || node.field !== 'right') return null;
  const left = parent.child('left');
  return left ? terminalName(left) : null;
}

export default defineRule({
  meta: {
    id: 'VG310',
    name: 'jwt-signature-not-verified',
    title: 'JWT decoded without verifying its signature',
    cwe: [347],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: [],
    ruff: [],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags JSON Web Tokens decoded without checking their signature: PyJWT\'s `jwt.decode(token, options={"verify_signature": False})`, `jwt.decode(token, verify=False)` (PyJWT 1.x), `algorithms` lists that contain `"none"`, and python-jose\'s `jwt.decode(..., options={"verify_signature": False})`, with the options or list written inline or in a name bound once.',
      whyIsThisBad:
        'A JWT\'s claims (who the user is, their roles, when the token expires) are only as trustworthy as its signature. Decoding without verifying it means anyone can write their own token, `{"sub": "admin"}`, base64-encode it and be believed. Accepting the `none` algorithm has the same effect: the attacker strips the signature and declares the token unsigned.',
      example:
        'import jwt\n\n\ndef current_user(request):\n    token = request.headers["Authorization"].removeprefix("Bearer ")\n    claims = jwt.decode(token, options={"verify_signature": False})\n    return claims["sub"]',
      useInstead:
        'import jwt\n\n\ndef current_user(request, public_key):\n    token = request.headers["Authorization"].removeprefix("Bearer ")\n    claims = jwt.decode(token, public_key, algorithms=["RS256"], audience="my-api")\n    return claims["sub"]',
      references: [
        'https://cwe.mitre.org/data/definitions/347.html',
        'https://pyjwt.readthedocs.io/en/stable/api.html#jwt.decode',
        'https://pyjwt.readthedocs.io/en/stable/usage.html#reading-the-claimset-without-validation',
        'https://python-jose.readthedocs.io/en/latest/jwt/api.html',
        'https://cheatsheetseries.owasp.org/cheatsheets/JSON_Web_Token_for_Java_Cheat_Sheet.html',
        'https://datatracker.ietf.org/doc/html/rfc8725',
      ],
      knownProblems:
        'Reading a token\'s claims before verifying it is sometimes deliberate (to pick the issuer\'s key, then verify): when the result is stored under a name that says so (`unverified_claims`, `untrusted`, `peek`), the finding is a low-severity note with medium confidence, as a reminder that nothing may trust those claims. Not detected: options built up at run time or passed through `**kwargs`, `jwt.PyJWT().decode(...)` on an instance, `verify_exp`/`verify_aud` turned off on their own (weaker, but the signature is still checked), and other JWT libraries (Authlib, jwcrypto). `jwt.get_unverified_header()` is not flagged: it is the documented way to read the header.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee || !DECODERS.has(callee)) return;
        const args = callArguments(call);
        const fn = call.child('function')!;

        let evidence: SyntaxNode | null = null;
        let how = '';
        const options = args.keywords.get('options');
        const verify = args.keywords.get('verify');
        const algorithms = args.keywords.get('algorithms');
        const off = options ? signatureOff(model, options) : null;
        if (off) {
          evidence = off;
          how = 'turns signature verification off';
        } else if (verify && constantTruthiness(model, verify) === false) {
          evidence = args.keywordNodes.get('verify')!;
          how = 'turns signature verification off';
        } else if (algorithms) {
          const none = noneAlgorithm(model, algorithms);
          if (none) {
            evidence = none;
            how = 'accepts the `none` algorithm, so an unsigned token passes';
          }
        }
        if (!evidence) return;

        const target = targetName(call);
        const deliberate = !!target && nameWords(target).some((word) => UNTRUSTED_WORDS.has(word));
        if (deliberate && how.startsWith('turns')) {
          context.report({
            at: call,
            message: `\`${code(fn)}()\` with \`${code(evidence)}\` reads the claims without verifying them (into \`${target}\`): make sure nothing trusts them before the token is decoded again with its key`,
            severity: 'low',
            confidence: 'medium',
          });
          return;
        }
        context.report({
          at: call,
          message: `\`${code(fn)}()\` with \`${code(evidence)}\` ${how}: anyone can forge the claims; pass the key and an explicit \`algorithms=["RS256"]\` (or the algorithm you use)`,
        });
      },
    };
  },
});
