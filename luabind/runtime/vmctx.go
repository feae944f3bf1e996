package runtime

import "context"

// yieldEvery is how many VM instructions run between checks for tasks
// waiting on the lock: about 50–100 µs of Lua on this machine.
const yieldEvery = 4096

// vmContext is the context a task's threads run under. The VM calls Done
// before every instruction; counting those calls gives us a preemption point
// for free, so a CPU-bound task cannot starve the others. Err reads
// "interrupted", which is what the VM raises when the task is cancelled.
//
// Only the goroutine running the task, holding the lock, may call Done.
type vmContext struct {
	context.Context
	rt    *Runtime
	ticks uint32
}

func (c *vmContext) Done() <-chan struct{} {
	c.ticks++
	if c.ticks%yieldEvery == 0 {
		c.rt.yieldLock()
	}
	return c.Context.Done()
}

func (c *vmContext) Err() error {
	if c.Context.Err() != nil {
		return ErrInterrupted
	}
	return nil
}
