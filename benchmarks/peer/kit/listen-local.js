// Loaded with `node --require` before the kit: every server the kit starts listens on
// 127.0.0.1 only. The kit itself calls `app.listen(port)`, which binds every interface,
// and has no setting for the host; the benchmark must never be reachable from outside.
const net = require('net')
const listen = net.Server.prototype.listen

net.Server.prototype.listen = function (...args) {
  const port = args[0]
  const isPort = typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))
  if (isPort && typeof args[1] !== 'string') {
    args.splice(1, 0, '127.0.0.1')
  }
  return listen.apply(this, args)
}
