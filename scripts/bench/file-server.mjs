/**
 * The download baseline: nginx with sendfile when `nginx` is installed, otherwise a bare Node
 * server streaming the file with fs streams (said so in the row's name).
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { freePort, startServer } from './proc.mjs'

function nginxPath() {
  try {
    return execFileSync('sh', ['-c', 'command -v nginx || ls /usr/sbin/nginx'], { encoding: 'utf8' })
      .trim()
      .split('\n')[0]
  } catch {
    return undefined
  }
}

export async function startFileServer(dir, file) {
  const port = await freePort()
  const nginx = nginxPath()
  if (nginx) {
    const conf = join(dir, 'nginx.conf')
    writeFileSync(
      conf,
      `user root;
worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'nginx-error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server {
    listen 127.0.0.1:${port};
    location = /healthz { return 200 'ok'; }
    location = /file { alias ${join(dirname(file), basename(file))}; default_type application/octet-stream; }
  }
}
`,
    )
    const proc = await startServer({
      name: 'nginx',
      command: nginx,
      args: ['-c', conf, '-p', dir],
      readyUrl: `http://127.0.0.1:${port}/healthz`,
    })
    return { proc, kind: 'nginx sendfile (1 worker)', url: `http://127.0.0.1:${port}/file` }
  }
  const proc = await startServer({
    name: 'node-file-server',
    args: [fileURLToPath(new URL('./baseline.mjs', import.meta.url))],
    env: { PORT: String(port), BENCH_FILE: file },
    readyUrl: `http://127.0.0.1:${port}/healthz`,
  })
  return { proc, kind: 'bare Node stream server (nginx not installed)', url: `http://127.0.0.1:${port}/file` }
}
