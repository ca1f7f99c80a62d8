/**
 * The hub's own audit key: an Ed25519 pair that signs the chain's checkpoints. Generated on
 * first start (PKCS#8 PEM, mode 0600) outside the audit database, its public half written beside
 * it for auditors. A verifier needs only the public half; the key id is the SHA-256 of the public
 * key (SPKI DER), so a checkpoint names the key that signed it.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export class AuditKey {
  readonly kid: string;
  readonly #public: KeyObject;
  readonly #private: KeyObject | undefined;

  /** The key in `file`, made there (with `<file minus .pem>.pub.pem`) when there is none yet. */
  static openOrCreate(file: string): AuditKey {
    if (!existsSync(file)) {
      const pair = generateKeyPairSync('ed25519');
      mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
      // 'wx': two hubs starting at once must not each write a key.
      writeFileSync(file, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
      writeFileSync(publicFileOf(file), pair.publicKey.export({ type: 'spki', format: 'pem' }));
    }
    return AuditKey.read(file);
  }

  /** A private or a public key in PEM: a verifier may hold only the public half. */
  static read(file: string): AuditKey {
    const pem = readFileSync(file, 'utf8');
    if (pem.includes('PRIVATE KEY')) {
      const privateKey = createPrivateKey(pem);
      return new AuditKey(createPublicKey(privateKey), privateKey);
    }
    return new AuditKey(createPublicKey(pem), undefined);
  }

  private constructor(publicKey: KeyObject, privateKey: KeyObject | undefined) {
    if (publicKey.asymmetricKeyType !== 'ed25519') throw new Error(`the audit key must be Ed25519, not ${String(publicKey.asymmetricKeyType)}`);
    this.#public = publicKey;
    this.#private = privateKey;
    this.kid = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('base64url').slice(0, 22);
  }

  /** base64url Ed25519 signature of `data`. */
  sign(data: string): string {
    if (!this.#private) throw new Error('this audit key holds only the public half');
    return sign(null, Buffer.from(data, 'utf8'), this.#private).toString('base64url');
  }

  verify(data: string, signature: string): boolean {
    return verify(null, Buffer.from(data, 'utf8'), this.#public, Buffer.from(signature, 'base64url'));
  }
}

export function publicFileOf(file: string): string {
  return `${file.replace(/\.pem$/, '')}.pub.pem`;
}
