import { readFileSync } from 'node:fs';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { AuthenticationError } from '../domain/errors.js';

export interface OidcConfig {
  /** FMAR_OIDC_ISSUER: the `iss` every token must carry. */
  issuer: string;
  /** FMAR_OIDC_AUDIENCE: the `aud` every token must carry. */
  audience: string;
  /** FMAR_OIDC_JWKS_FILE: the issuer's public keys, as a local JWKS file (never fetched: no network at run time). */
  jwksFile: string;
  /** FMAR_OIDC_SUBJECT_CLAIM: the claim that holds the FMAR user ID or platform ID (sub). */
  subjectClaim: string;
}

/** Asymmetric algorithms only: a shared-secret or unsigned token cannot be accepted by configuration mistake. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * OAuth 2 / OIDC bearer tokens (issue #6): verified with jose against the configured issuer's keys, read once
 * from a local JWKS file. The token says who the caller is (its subject is an FMAR user or platform ID);
 * what the caller may do comes from the registry's records, never from claims.
 */
export class JwtVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(private readonly config: OidcConfig) {
    this.keys = createLocalJWKSet(JSON.parse(readFileSync(config.jwksFile, 'utf8')) as JSONWebKeySet);
  }

  /** The FMAR ID the token's subject claim names, and when the token expires; throws AuthenticationError with the reason otherwise. */
  async subject(token: string): Promise<{ subject: string; expiresAt: number }> {
    try {
      const { payload } = await jwtVerify(token, this.keys, { issuer: this.config.issuer, audience: this.config.audience, algorithms: ALGORITHMS, requiredClaims: ['exp'] });
      const subject = payload[this.config.subjectClaim];
      if (typeof subject !== 'string' || !subject) throw new AuthenticationError(`the token has no ${this.config.subjectClaim} claim naming an FMAR user or platform`);
      return { subject, expiresAt: (payload.exp as number) * 1000 };
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      if (error instanceof errors.JWTExpired) throw new AuthenticationError('the bearer token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw new AuthenticationError(`the bearer token's ${error.claim} claim is not accepted (${error.reason})`);
      if (error instanceof errors.JOSEError) throw new AuthenticationError(`the bearer token is not valid (${error.code})`);
      throw error;
    }
  }
}
