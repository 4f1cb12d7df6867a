// Upgrade requests that get a plain HTTP answer (refused by the gate, or aimed at a route that is no WebSocket)
// must not leave their socket open: Node has detached the HTTP parser from it, so it could serve nothing else.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from './helpers.ts';

/** Sends a raw upgrade request; resolves with the status line once the server has closed the socket. */
function upgradeAndWaitForClose(server: TestServer, path: string, extraHeaders = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(server.port, '127.0.0.1');
    let received = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`socket still open after 3 s; received: ${JSON.stringify(received)}`));
    }, 3000);
    socket.on('data', (d) => (received += d.toString('latin1')));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(received.split('\r\n')[0] ?? '');
    });
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: ${server.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`,
    );
  });
}

describe('upgrade sockets', () => {
  let server: TestServer;
  before(async () => (server = await startTestServer([], { testNodes: false })));
  after(async () => server.close());

  test('an upgrade the gate refuses is answered 403 and its socket closed', async () => {
    assert.match(await upgradeAndWaitForClose(server, '/ws', 'Origin: http://evil.example.com\r\n'), /^HTTP\/1\.1 403/);
  });

  test('an upgrade to a route that is no WebSocket gets that route\'s answer and a closed socket', async () => {
    assert.match(await upgradeAndWaitForClose(server, '/prompt'), /^HTTP\/1\.1 200/);
    assert.match(await upgradeAndWaitForClose(server, '/no-such-route'), /^HTTP\/1\.1 404/);
  });

  test('a WebSocket upgrade on either path still succeeds', async () => {
    for (const path of ['/ws', '/api/ws']) {
      const line = await new Promise<string>((resolve, reject) => {
        const socket = connect(server.port, '127.0.0.1');
        socket.once('data', (d) => {
          socket.destroy();
          resolve(d.toString('latin1').split('\r\n')[0]!);
        });
        socket.once('error', reject);
        socket.write(
          `GET ${path} HTTP/1.1\r\nHost: ${server.host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
            'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
        );
      });
      assert.match(line, /^HTTP\/1\.1 101/);
    }
  });
});
