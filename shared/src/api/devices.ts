import { z } from 'zod';
import { text } from './text.ts';

/** Pairing codes: 8 characters from an unambiguous alphabet, shown grouped as XXXX-XXXX. */
export const pairingCodeAlphabet = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';
export const PairingCodeText = z
  .string()
  .transform((s) => s.toUpperCase().replace(/[^A-Z0-9]/g, ''))
  .pipe(z.string().length(8, 'A pairing code has 8 characters, like ABCD-2345.'));

export const PairingCode = z.object({ code: z.string(), expiresAt: z.iso.datetime() });
export type PairingCode = z.infer<typeof PairingCode>;

export const RedeemPairingCode = z.object({
  code: PairingCodeText,
  deviceName: text().trim().min(1).max(80).default('Chrome extension'),
});
export type RedeemPairingCode = z.input<typeof RedeemPairingCode>;

export const Device = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type Device = z.infer<typeof Device>;

export const DeviceToken = z.object({ deviceToken: z.string(), device: Device });
export type DeviceToken = z.infer<typeof DeviceToken>;

export const DeviceList = z.object({ devices: z.array(Device) });
export type DeviceList = z.infer<typeof DeviceList>;
