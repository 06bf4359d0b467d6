import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { devices, pairingCodes } from './devices.table.ts';

export type DeviceQueries = ReturnType<typeof createDeviceQueries>;

export function createDeviceQueries({ db }: { db: Db }) {
  return {
    async insertPairingCode(values: { codeHash: string; userId: string; expiresAt: Date }) {
      await db.insert(pairingCodes).values(values);
    },
    /** Marks the code used in the same statement that finds it, so a code can only ever be redeemed once. */
    async consumePairingCode(codeHash: string, now: Date) {
      const [row] = await db
        .update(pairingCodes)
        .set({ usedAt: now })
        .where(and(eq(pairingCodes.codeHash, codeHash), isNull(pairingCodes.usedAt), gt(pairingCodes.expiresAt, now)))
        .returning();
      return row ?? null;
    },
    async findPairingCode(codeHash: string) {
      const [row] = await db.select().from(pairingCodes).where(eq(pairingCodes.codeHash, codeHash));
      return row ?? null;
    },
    async insertDevice(values: { userId: string; name: string }) {
      const [row] = await db.insert(devices).values(values).returning();
      return row!;
    },
    listDevices(userId: string) {
      return db.select().from(devices).where(eq(devices.userId, userId)).orderBy(desc(devices.createdAt));
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
