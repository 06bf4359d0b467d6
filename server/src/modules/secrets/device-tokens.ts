/**
 * Device tokens: HS256 JWTs naming the user (`sub`) and the device row (`jti`). They do not expire on their own;
 * revoking the device row is what ends them, and every use is checked against that row.
 */
import { SignJWT, jwtVerify } from 'jose';
import type { Keyring } from './keyring.ts';

const issuer = 'perch';
const audience = 'perch-extension';

export class DeviceTokenError extends Error {}

export interface DeviceTokens {
  sign(claims: { userId: string; deviceId: string }): Promise<string>;
  verify(token: string): Promise<{ userId: string; deviceId: string }>;
}

export function createDeviceTokens(keyring: Keyring): DeviceTokens {
  return {
    sign: ({ userId, deviceId }) =>
      new SignJWT({ typ: 'device' })
        .setProtectedHeader({ alg: 'HS256', kid: keyring.currentKid })
        .setSubject(userId)
        .setJti(deviceId)
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .sign(keyring.get(keyring.currentKid)!.tokenKey),

    async verify(token) {
      try {
        const { payload } = await jwtVerify(
          token,
          (header) => {
            const material = header.kid ? keyring.get(header.kid) : undefined;
            if (!material) throw new DeviceTokenError('unknown key');
            return material.tokenKey;
          },
          { issuer, audience, algorithms: ['HS256'] },
        );
        if (payload.typ !== 'device' || !payload.sub || !payload.jti)
          throw new DeviceTokenError('not a device token');
        return { userId: payload.sub, deviceId: payload.jti };
      } catch {
        throw new DeviceTokenError('This device token is not valid.');
      }
    },
  };
}
