import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { request } from 'node:http';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eStack, type E2eStack } from '../e2e/local-stack';

interface ListeningSocket {
  inode: string;
  address: string;
  port: number;
}

/** Linux: every TCP socket of this process in LISTEN state, read from /proc (whoever opened it). */
async function listeningSockets(): Promise<ListeningSocket[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    if (inode) inodes.add(inode);
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
    const rows = (await readFile(table, 'utf8').catch(() => '')).trim().split('\n').slice(1);
    for (const row of rows) {
      const [, local, , state, , , , , , inode] = row.trim().split(/\s+/);
      const LISTEN = '0A';
      if (state !== LISTEN || !inode || !inodes.has(inode)) continue;
      const [hexAddress, hexPort] = local!.split(':') as [string, string];
      sockets.push({ inode, address: decodeAddress(hexAddress), port: parseInt(hexPort, 16) });
    }
  }
  return sockets;
}

/** /proc/net/tcp{,6} write addresses as 32-bit words in host (little-endian) byte order. */
function decodeAddress(hex: string): string {
  const words = hex.match(/.{8}/g)!.map((word) => word.match(/../g)!.reverse().join(''));
  if (words.length === 1)
    return words[0]!
      .match(/../g)!
      .map((b) => parseInt(b, 16))
      .join('.');
  const groups = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => parseInt(g, 16).toString(16));
  return groups.join(':').replace(/(^|:)0(:0)+(:|$)/, '::');
}

let e2e: E2eStack;
let before: ListeningSocket[] = [];
const onLinux = existsSync('/proc/self/net/tcp');

beforeAll(async () => {
  if (onLinux) before = await listeningSockets();
  e2e = await startE2eStack();
});
afterAll(() => e2e?.close());

describe('the local stack listens on the loopback interface only', () => {
  it.runIf(onLinux)('binds every socket it opens to 127.0.0.1', async () => {
    const opened = (await listeningSockets()).filter((s) => !before.some((b) => b.inode === s.inode));
    const { stack } = e2e;
    const known = [stack.s3.port, new URL(stack.apiUrl).port, new URL(stack.dynamoEndpoint).port].map(Number);
    // S3, DynamoDB, their fault proxies, Step Functions, SageMaker, the inference server, the results API.
    expect(opened.length).toBeGreaterThanOrEqual(6);
    expect(opened.map((s) => s.port)).toEqual(expect.arrayContaining(known));
    for (const socket of opened)
      expect(socket, `port ${socket.port}`).toMatchObject({ address: '127.0.0.1' });
  });

  it('decodes /proc addresses: loopback, any, and IPv6', () => {
    expect(decodeAddress('0100007F')).toBe('127.0.0.1');
    expect(decodeAddress('00000000')).toBe('0.0.0.0');
    expect(decodeAddress('00000000000000000000000000000000')).toBe('::');
    expect(decodeAddress('00000000000000000000000001000000')).toBe('::1');
  });
});

/** PUT to a URL as a client would, with the path sent as given. */
function put(url: URL, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      { method: 'PUT', headers: { 'content-length': body.length }, agent: false },
      (r) => {
        r.resume();
        r.on('end', () => resolve(r.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

describe('a presigned upload URL writes its own key and size only', () => {
  it('refuses the URL aimed at another key or with another size, and takes the planned upload', async () => {
    const clinical = Buffer.from('{"schemaVersion": 1}');
    const response = await fetch(`${e2e.stack.apiUrl}/studies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        studyId: 'presigned-1',
        files: [
          { path: 'clinical.json', size: clinical.length },
          { path: 'image/ct.nii.gz', size: 1000 },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const plan = (await response.json()) as { uploads: { path: string; url: string }[] };
    const url = new URL(plan.uploads.find((u) => u.path === 'clinical.json')!.url);
    expect(url.hostname).toBe('127.0.0.1');

    const elsewhere = new URL(url);
    elsewhere.pathname = url.pathname.replace('presigned-1', 'other-study');
    expect(await put(elsewhere, clinical)).toBe(403);
    expect(await put(url, Buffer.concat([clinical, Buffer.from(' ')]))).toBeGreaterThanOrEqual(400);
    expect(await put(url, clinical)).toBe(200);

    const head = (key: string) =>
      e2e.stack.s3Client.send(new HeadObjectCommand({ Bucket: e2e.stack.s3.studiesBucket, Key: key })).then(
        (o) => o.ContentLength,
        () => undefined,
      );
    expect(await head('incoming/other-study/clinical.json')).toBeUndefined();
    expect(await head('incoming/presigned-1/clinical.json')).toBe(clinical.length);
  });
});
