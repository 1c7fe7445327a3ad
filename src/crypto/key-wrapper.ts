/** A key-encryption key held outside our database (Cloud KMS, or a local file in development). */
export interface KeyWrapper {
  /** Encrypts key material under the primary key version, bound to `aad`. */
  wrap(plaintext: Uint8Array, aad: Uint8Array): Promise<WrappedKey>;
  /** Decrypts what `wrap` returned, under whichever version sealed it; the same `aad` is required. */
  unwrap(ciphertext: Uint8Array, aad: Uint8Array): Promise<Uint8Array>;
}

export interface WrappedKey {
  readonly ciphertext: Uint8Array;
  /** The key version that sealed it, e.g. `projects/…/cryptoKeys/k/cryptoKeyVersions/3`. */
  readonly keyVersion: string;
}
