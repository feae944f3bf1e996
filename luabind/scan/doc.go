// Package scan is the port scanner's Lua face: net.scan and its helpers.
// It only checks and converts arguments and results; the engine
// (socklab/internal/scan, plain Go) does the work.
//
//	r = net.scan("127.0.0.1", "1-65535", {banner = true})
//	print(r)                    -- an nmap-style table
//	for _, p in ipairs(r:open()) do print(p.port, p.service) end
//
// # The result
//
// net.scan returns a plain Lua list with one entry per port that is NOT
// closed (open, filtered, open|filtered), sorted by address then port, like
// the table nmap prints: a full scan of a host holds a handful of entries,
// not 65,535. Each entry is
//
//	{host = "localhost", ip = "127.0.0.1", port = 22, proto = "tcp",
//	 state = "open", service = "ssh", banner = "SSH-2.0-…", rtt = 0.0001}
//
// (service and banner are absent when unknown or empty; rtt is in seconds).
// The list also carries summary fields: hosts (targets scanned), ports
// (ports per target), scanned (ports decided, hosts × ports unless the scan
// was interrupted), closed (how many closed ports are not listed), elapsed
// (seconds) and interrupted (true only when Ctrl-C or a cancel cut the scan
// short; the list then holds what was decided before). Its metatable gives
// r:open() (a new list of the open entries, same metatable and summary
// fields), r:json([pretty]) and __tostring (the nmap-style table). ipairs,
// #r and r[1].port work as on any list.
//
// # Callbacks and progress
//
// The engine reports results from its worker goroutines. on_result is a Lua
// callback, so it runs on the caller's task: the scan runs in a goroutine,
// its OnResult appends to a queue, and the calling task alternates between
// runtime.Block (waiting for the queue, lock released) and calling the
// callback for each queued result (lock held). It is called for every result
// that is not closed (the entries the final list will hold), in the order
// they are decided; all calls are made before net.scan returns. An error in
// the callback cancels the scan, waits for the engine to stop (closing its
// sockets) and re-raises the error.
//
// The progress bar is drawn on the runtime's stderr only when that is a
// terminal (runtime.OnTerminal) and the scan has lasted progressDelay; it is
// redrawn in place with \r and erased when the scan ends, so nothing of it
// remains on screen or in a log.
package scan
