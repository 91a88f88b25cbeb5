/** A TCP port free on 127.0.0.1 at the moment of asking, for a server a test starts. */
import { createServer } from 'node:net';

export const freePort = () =>
  new Promise<number>((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
