import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { closeServer, listen } from '../../local/stack/http-server';

describe('listen on a named loopback port', () => {
  it('waits for a port another socket holds for a moment, then takes it', async () => {
    const holder = createServer();
    const port = await listen(holder);
    const server = createServer();
    const taking = listen(server, port);
    setTimeout(() => void closeServer(holder), 300);
    await expect(taking).resolves.toBe(port);
    await closeServer(server);
  });

  it('gives up with EADDRINUSE on a port that stays taken', async () => {
    const holder = createServer();
    const port = await listen(holder);
    try {
      await expect(listen(createServer(), port)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await closeServer(holder);
    }
  });
});
