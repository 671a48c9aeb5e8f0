import { defineRule } from '../rule';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

/** A key generator and where its size argument is. */
interface Generator {
  readonly algorithm: 'RSA' | 'DSA' | 'DH';
  readonly position: number;
  readonly keywords: readonly string[];
}

const ASYMMETRIC = 'cryptography.hazmat.primitives.asymmetric';
const GENERATORS = new Map<string, Generator>([
  [`${ASYMMETRIC}.rsa.generate_private_key`, { algorithm: 'RSA', position: 1, keywords: ['key_size'] }],
  [`${ASYMMETRIC}.dsa.generate_private_key`, { algorithm: 'DSA', position: 0, keywords: ['key_size'] }],
  [`${ASYMMETRIC}.dsa.generate_parameters`, { algorithm: 'DSA', position: 0, keywords: ['key_size'] }],
  [`${ASYMMETRIC}.dh.generate_parameters`, { algorithm: 'DH', position: 1, keywords: ['key_size'] }],
]);
/** PyCryptodome and PyCrypto: `RSA.generate(1024)`, `DSA.generate(bits=1024)`. */
const PYCRYPTODOME = /^(?:Crypto|Cryptodome)\.PublicKey\.(RSA|DSA)\.generate$/;
/** Elliptic curves under 224 bits (`cryptography`): the name and the size. */
const WEAK_CURVES = new Map<string, number>([
  ['SECP192R1', 192],
  ['SECT163K1', 163],
  ['SECT163R2', 163],
]);
const EC_MODULE = `${ASYMMETRIC}.ec.`;

const MINIMUM_BITS = 2048;
const BROKEN_BITS = 1024;
const MINIMUM_CURVE_BITS = 224;

function code(node: SyntaxNode): string {
  return codeSnippet(node, 40);
}


export default defineRule({
  meta: {
    id: 'VG307',
    name: 'weak-crypto-key',
    title: 'RSA, DSA or DH key under 2048 bits, or an elliptic curve under 224 bits',
    cwe: [326],
    severity: 'medium',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B505'],
    ruff: ['S505'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags asymmetric keys generated too small: `rsa.generate_private_key(public_exponent=65537, key_size=1024)`, `dsa.generate_private_key(1024)`, `dsa.generate_parameters` and `dh.generate_parameters` in `cryptography`, and PyCryptodome\'s `RSA.generate(1024)` and `DSA.generate(1024)`, when the size is a constant under 2048 bits; and the elliptic curves under 224 bits (`ec.SECP192R1()`, `ec.SECT163K1()`, `ec.SECT163R2()`).',
      whyIsThisBad:
        'The work needed to factor an RSA modulus or solve a discrete logarithm falls with the key size: 512-bit RSA keys are factored in hours on rented machines, 768-bit ones have been publicly factored, and 1024-bit keys are within reach of well-funded attackers and disallowed by NIST since 2013. Curves under 224 bits give under 112 bits of security. A key that is too small lets an attacker forge signatures or decrypt recorded traffic, and the key usually lives for years after the code is written.',
      example:
        'from cryptography.hazmat.primitives.asymmetric import ec, rsa\n\nsigning_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)\ndevice_key = ec.generate_private_key(ec.SECP192R1())',
      useInstead:
        'from cryptography.hazmat.primitives.asymmetric import ec, rsa\n\nsigning_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)\ndevice_key = ec.generate_private_key(ec.SECP256R1())',
      references: [
        'https://cwe.mitre.org/data/definitions/326.html',
        'https://cryptography.io/en/latest/hazmat/primitives/asymmetric/rsa/#generation',
        'https://cryptography.io/en/latest/hazmat/primitives/asymmetric/ec/#elliptic-curves',
        'https://www.pycryptodome.org/src/public_key/rsa',
        'https://csrc.nist.gov/pubs/sp/800/131/a/r2/final',
        'https://www.keylength.com/en/4/',
      ],
      knownProblems:
        'Sizes under 1024 bits are reported with high severity, sizes from 1024 to 2047 with medium. Only constant sizes are judged (literals and names bound once to a literal); a size computed at run time or read from configuration is not flagged. Loading an existing small key (`load_pem_private_key`) and weak curves passed around as classes without being called are not flagged. Tests that generate small keys for speed are flagged: suppress them, or exclude test paths.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        const fn = call.child('function')!;

        if (callee.startsWith(EC_MODULE)) {
          const bits = WEAK_CURVES.get(callee.slice(EC_MODULE.length));
          if (bits === undefined) return;
          context.report({
            at: call,
            message: `\`${code(fn)}()\` is a ${bits}-bit curve: under ${MINIMUM_CURVE_BITS} bits it gives less than 112 bits of security; use \`SECP256R1\` (P-256) or larger, or Ed25519`,
          });
          return;
        }

        const pycryptodome = PYCRYPTODOME.exec(callee);
        const generator: Generator | undefined = pycryptodome
          ? { algorithm: pycryptodome[1] as 'RSA' | 'DSA', position: 0, keywords: ['bits'] }
          : GENERATORS.get(callee);
        if (!generator) return;
        const args = callArguments(call);
        const size =
          generator.keywords.map((keyword) => args.keywords.get(keyword)).find((node) => node !== undefined) ??
          args.positional[generator.position];
        if (!size) return;
        const bits = model.constantInteger(size);
        if (bits === null || bits >= MINIMUM_BITS) return;
        const broken = bits < BROKEN_BITS;
        context.report({
          at: call,
          message: `\`${code(fn)}()\` makes a ${bits}-bit ${generator.algorithm} key: ${
            broken ? 'keys this small are factored cheaply' : 'under 2048 bits it is within reach of well-funded attackers and disallowed by NIST'
          }; use at least 2048 bits (3072 for keys that must last beyond 2030)`,
          severity: broken ? 'high' : 'medium',
        });
      },
    };
  },
});
