import { loadavg } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/ports';
import { type BenchDatabase, createBenchDatabase } from '../support/postgres-db';
import { say } from '../support/progress';
import { MusterServerProcess } from '../support/server-process';
import type { Backend, CommandsBenchOptions } from './args';
import { BenchDevice } from './device-client';
import { measureDrain } from './device-drain';
import { measureDeviceEnqueue } from './device-enqueue';
import type { DeviceBackendResult } from './results';
import { seedLocation, seedStore } from './seed';

/** The group of every benchmark device. */
export const DEVICES_GROUP = 'phones.acme';

/** Ids of the seeded devices: phone-000000.phones.acme and so on. */
export function seededDeviceIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `phone-${String(i).padStart(6, '0')}.${DEVICES_GROUP}`);
}

/**
 * The device measurements on one backend: a fresh server and database, one device enrolled
 * through the API (its key signs the timed check-ins), the server stopped while the other
 * devices and the finished commands are written straight into the store, then the server
 * again for the enqueue to every device and the check-ins that drain a full queue.
 */
export async function runDeviceBackend(
  backend: Backend,
  options: CommandsBenchOptions,
  workDir: string,
): Promise<DeviceBackendResult> {
  const result: DeviceBackendResult = {
    backend,
    loadAverageAtEnqueue: [],
    seed: null,
    enqueue: null,
    enqueuePushType: null,
    drain: null,
    error: null,
  };
  const log = (message: string) => say(`devices/${backend}: ${message}`);
  let database: BenchDatabase | null = null;
  let server: MusterServerProcess | null = null;
  let device: BenchDevice | null = null;
  try {
    database = backend === 'postgres' ? await createBenchDatabase(options.postgresUrl) : null;
    const dataDir = join(workDir, `devices-${backend}`);
    server = new MusterServerProcess({
      dataDir,
      databaseUrl: database?.url ?? '',
      httpPort: await freePort(),
      agentPort: await freePort(),
      devicePort: await freePort(),
      logFile: join(workDir, `devices-${backend}-server.log`),
      logLevel: options.logLevel,
      nodeArgs: options.serverNodeArgs,
    });
    await server.start();
    const created = await server.api().request<{ token: string }>('POST', '/device-enrollment-tokens', {
      group: DEVICES_GROUP,
      platform: 'android',
    });
    device = new BenchDevice(server.deviceUrl);
    await device.enroll(created.token, 'drain-phone');
    log(`enrolled ${device.deviceId} through the device API; stopping the server to seed the store`);
    await server.stop();

    const ids = seededDeviceIds(options.devices);
    result.seed = await seedStore(seedLocation(backend, join(dataDir, 'muster.db'), database?.url ?? ''), {
      group: DEVICES_GROUP,
      deviceIds: ids,
      publicKey: device.key.publicKey,
      finishedCommands: options.finishedCommands,
      finishedTargets: [...ids, device.deviceId],
      progress: log,
    });

    const startSeconds = await server.start();
    log(`server up again in ${startSeconds.toFixed(1)} s`);
    const api = server.api();
    result.loadAverageAtEnqueue = loadavg().map((l) => Math.round(l * 100) / 100);
    result.enqueue = await measureDeviceEnqueue(api, ids, 'sync', log);
    server.assertRunning('the device enqueue');
    result.enqueuePushType = await measureDeviceEnqueue(api, ids, 'locate', log);
    server.assertRunning('the push-type device enqueue');
    result.drain = await measureDrain(
      api,
      device,
      options.drainRounds,
      options.drainCommands,
      options.finishedCommands,
      log,
    );
    server.assertRunning('the drain');
  } catch (error) {
    result.error = (error as Error).message;
    log(`failed: ${result.error}`);
  } finally {
    device?.close();
    await server?.stop();
    if (database && !options.keepDataDir) await database.drop().catch(() => undefined);
    else if (database) log(`kept database ${database.name}`);
  }
  return result;
}
