import { defineRule } from '../rule';
import type { Severity } from '../../findings';
import type { SemanticModel } from '../../semantic/model';
import type { SyntaxNode } from '../../syntax/syntaxNode';
import { callArguments } from '../../syntax/python';
import { codeSnippet } from '../support/snippets';

/** A broken or obsolete cipher: how bad it is and why. */
interface WeakCipher {
  readonly name: string;
  readonly severity: Severity;
  readonly why: string;
}

const BROKEN_KEY = 'its 56-bit key is found by exhaustive search in hours';
const SMALL_BLOCK = 'its 64-bit block leaks plaintext after a few dozen gigabytes under one key (Sweet32)';

const CIPHERS: Record<string, WeakCipher> = {
  DES: { name: 'DES', severity: 'high', why: BROKEN_KEY },
  DES3: { name: 'Triple DES', severity: 'medium', why: `${SMALL_BLOCK}, and it is deprecated (NIST SP 800-131A)` },
  TripleDES: { name: 'Triple DES', severity: 'medium', why: `${SMALL_BLOCK}, and it is deprecated (NIST SP 800-131A)` },
  ARC4: { name: 'RC4', severity: 'high', why: 'its keystream is biased, so repeated plaintexts are recovered (RFC 7465 bans it from TLS)' },
  ARC2: { name: 'RC2', severity: 'high', why: 'it has practical related-key attacks and a 64-bit block' },
  Blowfish: { name: 'Blowfish', severity: 'medium', why: SMALL_BLOCK },
  IDEA: { name: 'IDEA', severity: 'medium', why: SMALL_BLOCK },
  CAST5: { name: 'CAST5', severity: 'medium', why: SMALL_BLOCK },
  CAST: { name: 'CAST5', severity: 'medium', why: SMALL_BLOCK },
  SEED: { name: 'SEED', severity: 'low', why: 'it is an obsolete national cipher, deprecated by `cryptography`, with no advantage over AES' },
  XOR: { name: 'XOR "cipher"', severity: 'high', why: 'a repeating-key XOR is recovered from a little known plaintext' },
};

/** `cryptography`'s cipher algorithm classes, where they live now and where they lived before 43.0. */
const CRYPTOGRAPHY_ALGORITHMS = /^cryptography\.hazmat\.(?:primitives|decrepit)\.ciphers\.algorithms\.(TripleDES|ARC4|Blowfish|IDEA|CAST5|SEED)$/;
const CRYPTOGRAPHY_ECB = 'cryptography.hazmat.primitives.ciphers.modes.ECB';
/** PyCryptodome and PyCrypto: `DES.new(key, DES.MODE_CBC)`. */
const PYCRYPTODOME_NEW = /^(?:Crypto|Cryptodome)\.Cipher\.(DES|DES3|ARC4|ARC2|Blowfish|CAST|XOR)\.new$/;
/** PyCryptodome block ciphers whose `new` takes a mode: `AES.new(key, AES.MODE_ECB)`. */
const PYCRYPTODOME_MODE_NEW = /^(?:Crypto|Cryptodome)\.Cipher\.(AES|DES|DES3|ARC2|Blowfish|CAST)\.new$/;
const PYCRYPTODOME_ECB = /^(?:Crypto|Cryptodome)\.Cipher\.(?:AES|DES|DES3|ARC2|Blowfish|CAST)\.MODE_ECB$/;

const CIPHER_CODES = { bandit: ['B304'], ruff: ['S304'] };
const MODE_CODES = { bandit: ['B305'], ruff: ['S305'] };

function code(node: SyntaxNode): string {
  return codeSnippet(node, 40);
}

/** Whether a mode argument is ECB: `AES.MODE_ECB`, a name bound to it, or the integer PyCryptodome uses (1). */
function isEcbMode(model: SemanticModel, mode: SyntaxNode): boolean {
  const name = model.qualifiedName(mode);
  if (name && PYCRYPTODOME_ECB.test(name)) return true;
  const value = mode.type === 'identifier' ? model.singleValue(mode) : null;
  if (value) {
    const valueName = model.qualifiedName(value);
    if (valueName && PYCRYPTODOME_ECB.test(valueName)) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'VG306',
    name: 'weak-cipher',
    title: 'Broken or obsolete cipher, or ECB mode',
    cwe: [327],
    severity: 'high',
    confidence: 'high',
    status: 'preview',
    since: '0.2.0',
    bandit: ['B304', 'B305'],
    ruff: ['S304', 'S305'],
    fixable: false,
    docs: {
      whatItDoes:
        'Flags encryption with DES, Triple DES, RC4 (ARC4), RC2 (ARC2), Blowfish, IDEA, CAST5, SEED or a repeating XOR, and block ciphers used in ECB mode: `cryptography`\'s `algorithms.TripleDES(...)`, `algorithms.ARC4(...)` and `modes.ECB()`, and PyCryptodome\'s (or PyCrypto\'s) `DES.new(...)`, `ARC4.new(...)`, `Blowfish.new(...)` and `AES.new(key, AES.MODE_ECB)`, through any import or alias.',
      whyIsThisBad:
        'DES keys are searched exhaustively in hours; RC4\'s keystream is biased enough to recover repeated secrets such as cookies; RC2 has practical related-key attacks; Triple DES, Blowfish, IDEA and CAST5 have 64-bit blocks, so after a few dozen gigabytes under one key collisions leak plaintext (Sweet32). ECB encrypts equal plaintext blocks to equal ciphertext blocks, so the structure of the data shows through (the "ECB penguin") and blocks can be cut, reordered and replayed without the key. None of these offers integrity either.',
      example:
        'from Crypto.Cipher import AES, DES\nfrom cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes\n\n\ndef encrypt_legacy(key: bytes, data: bytes) -> bytes:\n    return DES.new(key, DES.MODE_CBC).encrypt(data)\n\n\ndef encrypt_record(key: bytes, data: bytes) -> bytes:\n    return AES.new(key, AES.MODE_ECB).encrypt(data)\n\n\ndef encrypt_stream(key: bytes, data: bytes) -> bytes:\n    encryptor = Cipher(algorithms.ARC4(key), mode=None).encryptor()\n    return encryptor.update(data)',
      useInstead:
        'import os\n\nfrom cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305\n\n\ndef encrypt_record(key: bytes, data: bytes) -> bytes:\n    nonce = os.urandom(12)\n    return nonce + AESGCM(key).encrypt(nonce, data, None)\n\n\ndef encrypt_stream(key: bytes, data: bytes) -> bytes:\n    nonce = os.urandom(12)\n    return nonce + ChaCha20Poly1305(key).encrypt(nonce, data, None)',
      references: [
        'https://cwe.mitre.org/data/definitions/327.html',
        'https://cryptography.io/en/latest/hazmat/primitives/symmetric-encryption/',
        'https://cryptography.io/en/latest/hazmat/decrepit/ciphers/',
        'https://www.pycryptodome.org/src/cipher/cipher',
        'https://sweet32.info/',
        'https://datatracker.ietf.org/doc/html/rfc7465',
        'https://cheatsheetseries.owasp.org/cheatsheets/Cryptographic_Storage_Cheat_Sheet.html',
      ],
      knownProblems:
        'Severity follows the cipher: high for DES, RC4, RC2 and XOR; medium for the 64-bit-block ciphers (Triple DES, Blowfish, IDEA, CAST5) and for ECB; low for SEED. Decrypting data that was encrypted long ago with a legacy cipher is flagged too: suppress it with a comment that names the format, and re-encrypt with an AEAD when you can. Not detected: cipher classes passed around without being called (`algo = algorithms.Blowfish`), a mode given by a variable Vigil cannot follow or by its integer value (`AES.new(key, 1)`), PyCrypto\'s old default of ECB when `AES.new(key)` names no mode, and other libraries (pyDes, M2Crypto). A weak cipher given ECB mode (`DES.new(key, DES.MODE_ECB)`) is reported once, for the cipher. ECB over exactly one block as a building block (a key-wrap or CMAC implementation, a counter-mode keystream built by hand) is a legitimate primitive use that Vigil cannot tell apart: suppress it with the reason.',
    },
  },
  create(context) {
    const { model } = context;
    return {
      call(call) {
        const callee = model.calleeQualifiedName(call);
        if (!callee) return;
        const fn = call.child('function')!;
        const cipherName = CRYPTOGRAPHY_ALGORITHMS.exec(callee)?.[1] ?? PYCRYPTODOME_NEW.exec(callee)?.[1];
        if (cipherName) {
          const cipher = CIPHERS[cipherName]!;
          context.report({
            at: call,
            message: `\`${code(fn)}()\` encrypts with ${cipher.name}: ${cipher.why}; use AES-GCM or ChaCha20-Poly1305`,
            severity: cipher.severity,
            ...CIPHER_CODES,
          });
          return;
        }
        if (callee === CRYPTOGRAPHY_ECB) {
          context.report({
            at: call,
            message: `\`${code(fn)}()\` selects ECB mode: equal plaintext blocks encrypt to equal ciphertext blocks, so patterns show and blocks can be reordered; use an AEAD mode such as GCM`,
            severity: 'medium',
            ...MODE_CODES,
          });
          return;
        }
        if (PYCRYPTODOME_MODE_NEW.test(callee)) {
          const args = callArguments(call);
          const mode = args.positional[1] ?? args.keywords.get('mode');
          if (mode && isEcbMode(model, mode)) {
            context.report({
              at: call,
              message: `\`${code(fn)}(..., ${code(mode)})\` encrypts in ECB mode: equal plaintext blocks encrypt to equal ciphertext blocks, so patterns show and blocks can be reordered; use \`MODE_GCM\``,
              severity: 'medium',
              ...MODE_CODES,
            });
          }
        }
      },
    };
  },
});
