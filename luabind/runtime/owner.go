package runtime

import (
	"io"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// ledger records which task owns each open resource (socket, listener…),
// so that a task's resources can be closed when it ends and can change
// owner when a value is returned, passed to spawn or sent over a channel.
type ledger struct {
	mu    sync.Mutex
	owner map[io.Closer]*Task
}

// adopt makes t the owner of c; if t has already finished, its nearest
// unfinished ancestor is. With none left (the runtime has closed), c is
// closed at once: nobody could use it any more.
func (l *ledger) adopt(t *Task, c io.Closer) {
	l.mu.Lock()
	for ; t != nil; t = t.parent {
		if !t.finished {
			if t.resources == nil {
				t.resources = map[io.Closer]struct{}{}
			}
			t.resources[c] = struct{}{}
			if l.owner == nil {
				l.owner = map[io.Closer]*Task{}
			}
			l.owner[c] = t
			l.mu.Unlock()
			return
		}
	}
	l.mu.Unlock()
	c.Close()
}

// release forgets c and reports whether it was tracked.
func (l *ledger) release(c io.Closer) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	t, ok := l.owner[c]
	if ok {
		delete(l.owner, c)
		delete(t.resources, c)
	}
	return ok
}

// give moves the resource held in v (a userdata whose value is tracked) to
// t. Values that hold no tracked resource are ignored.
func (l *ledger) give(v lua.LValue, t *Task) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return
	}
	if c, ok := ud.Value.(io.Closer); ok && l.release(c) {
		l.adopt(t, c)
	}
}

// takeAll marks t finished and returns what it owned, now owned by nobody.
func (l *ledger) takeAll(t *Task) []io.Closer {
	l.mu.Lock()
	defer l.mu.Unlock()
	t.finished = true
	res := make([]io.Closer, 0, len(t.resources))
	for c := range t.resources {
		res = append(res, c)
		delete(l.owner, c)
	}
	t.resources = nil
	return res
}

// closeAll closes every resource of every task.
func (l *ledger) closeAll() {
	l.mu.Lock()
	res := make([]io.Closer, 0, len(l.owner))
	for c, t := range l.owner {
		res = append(res, c)
		delete(t.resources, c)
	}
	l.owner = nil
	l.mu.Unlock()
	for _, c := range res {
		c.Close()
	}
}

// Track makes the task running L the owner of c: c is closed when the task
// ends, fails or is cancelled, unless the task returns it, passes it to
// spawn or sends it over a channel first. Call Untrack when Lua closes c.
func Track(L *lua.LState, c io.Closer) {
	rt, t := owner(L)
	rt.ledger.adopt(t, c)
}

// Untrack forgets c (it was closed explicitly), whoever owned it.
func Untrack(L *lua.LState, c io.Closer) { Of(L).ledger.release(c) }

// Adopt moves the resource held in v, if any, to the task running L: a
// joiner adopts what a task returned, a receiver what came over a channel.
func Adopt(L *lua.LState, v lua.LValue) {
	rt, t := owner(L)
	rt.ledger.give(v, t)
}

// owner is the task that owns what L opens: the task running L, or the
// session outside any task.
func owner(L *lua.LState) (*Runtime, *Task) {
	rt := Of(L)
	if t := CurrentTask(L); t != nil {
		return rt, t
	}
	return rt, rt.root
}
