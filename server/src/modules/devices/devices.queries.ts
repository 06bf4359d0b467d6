import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, pairingCodes } from './devices.table.ts';

export type DeviceQueries = ReturnType<typeof createDeviceQueries>;

export function createDeviceQueries({ db }: { db: Db }) {
  return {
    async insertPairingCode(values: { codeHash: string; userId: string; expiresAt: Date }) {
      await db.insert(pairingCodes).values(values);
    },
    /**
     * Spends the code and creates the device in one transaction (the code is marked used in the statement that finds
     * it, so it can only ever be redeemed once): when the insert fails the code is not spent and
     * can be redeemed again. Null when the code is unknown, used or expired (nothing is written).
     */
    async redeemPairingCode(codeHash: string, now: Date, name: string) {
      return db.transaction(async (tx) => {
        const [pairing] = await tx
          .update(pairingCodes)
          .set({ usedAt: now })
          .where(
            and(
              eq(pairingCodes.codeHash, codeHash),
              isNull(pairingCodes.usedAt),
              gt(pairingCodes.expiresAt, now),
            ),
          )
          .returning();
        if (!pairing) return null;
        const [device] = await tx
          .insert(devices)
          .values({ userId: pairing.userId, name })
          .returning();
        return device!;
      });
    },
    async findPairingCode(codeHash: string) {
      const [row] = await db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, codeHash));
      return row ?? null;
    },
    listDevices(userId: string) {
      return db
        .select()
        .from(devices)
        .where(eq(devices.userId, userId))
        .orderBy(desc(devices.createdAt));
    },
    async findActiveDevice(id: string, userId: string) {
      const [row] = await db
        .select()
        .from(devices)
        .where(and(eq(devices.id, id), eq(devices.userId, userId), isNull(devices.revokedAt)));
      return row ?? null;
    },
    async touchDevice(id: string, now: Date) {
      await db.update(devices).set({ lastUsedAt: now }).where(eq(devices.id, id));
    },
    async revokeDevice(id: string, userId: string, now: Date) {
      const [row] = await db
        .update(devices)
        .set({ revokedAt: now })
        .where(and(eq(devices.id, id), eq(devices.userId, userId), isNull(devices.revokedAt)))
        .returning();
      return row ?? null;
    },
  };
}
