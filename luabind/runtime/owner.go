package runtime

import (
	"io"
	"slices"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// ledger records which tasks own each open resource (socket, listener…),
// so that a resource can be closed when the last task that owns it ends, and
// can change owner when a value is returned, passed to spawn or sent over a
// channel. Usually a resource has one owner; a task spawned with a closure
// that captures a resource shares it with the spawning task (see Spawn).
type ledger struct {
	mu     sync.Mutex
	owners map[io.Closer][]*Task
}

// unfinished is t or its nearest ancestor that has not finished, or nil.
func unfinished(t *Task) *Task {
	for ; t != nil; t = t.parent {
		if !t.finished {
			return t
		}
	}
	return nil
}

// adopt makes t an owner of c; if t has already finished, its nearest
// unfinished ancestor is. With none left (the runtime has closed), c is
// closed at once: nobody could use it any more.
func (l *ledger) adopt(t *Task, c io.Closer) {
	l.mu.Lock()
	if t = unfinished(t); t == nil {
		l.mu.Unlock()
		c.Close()
		return
	}
	l.addLocked(t, c)
	l.mu.Unlock()
}

func (l *ledger) addLocked(t *Task, c io.Closer) {
	if _, ok := t.resources[c]; ok {
		return
	}
	if t.resources == nil {
		t.resources = map[io.Closer]struct{}{}
	}
	t.resources[c] = struct{}{}
	if l.owners == nil {
		l.owners = map[io.Closer][]*Task{}
	}
	l.owners[c] = append(l.owners[c], t)
}

// release forgets c and reports whether it was tracked.
func (l *ledger) release(c io.Closer) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	owners, ok := l.owners[c]
	for _, t := range owners {
		delete(t.resources, c)
	}
	delete(l.owners, c)
	return ok
}

// tracked returns the resource v holds, if it is a userdata whose value is
// tracked.
func (l *ledger) tracked(v lua.LValue) (io.Closer, bool) {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil, false
	}
	c, ok := ud.Value.(io.Closer)
	if !ok {
		return nil, false
	}
	l.mu.Lock()
	_, ok = l.owners[c]
	l.mu.Unlock()
	return c, ok
}

// give moves the resource held in v to t, its only owner from now on.
// Values that hold no tracked resource are ignored.
func (l *ledger) give(v lua.LValue, t *Task) {
	if c, ok := l.tracked(v); ok && l.release(c) {
		l.adopt(t, c)
	}
}

// share makes t one more owner of the resource held in v, if any.
func (l *ledger) share(v lua.LValue, t *Task) {
	if c, ok := l.tracked(v); ok {
		l.adopt(t, c)
	}
}

// takeAll marks t finished and returns the resources it was the last owner
// of, now owned by nobody; those it shared just lose an owner.
func (l *ledger) takeAll(t *Task) []io.Closer {
	l.mu.Lock()
	defer l.mu.Unlock()
	t.finished = true
	var res []io.Closer
	for c := range t.resources {
		owners := slices.DeleteFunc(l.owners[c], func(o *Task) bool { return o == t })
		if len(owners) == 0 {
			delete(l.owners, c)
			res = append(res, c)
		} else {
			l.owners[c] = owners
		}
	}
	t.resources = nil
	return res
}

// owned lists what t owns now.
func (l *ledger) owned(t *Task) []io.Closer {
	l.mu.Lock()
	defer l.mu.Unlock()
	res := make([]io.Closer, 0, len(t.resources))
	for c := range t.resources {
		res = append(res, c)
	}
	return res
}

// closeAll closes every resource of every task.
func (l *ledger) closeAll() {
	l.mu.Lock()
	res := make([]io.Closer, 0, len(l.owners))
	for c, owners := range l.owners {
		res = append(res, c)
		for _, t := range owners {
			delete(t.resources, c)
		}
	}
	l.owners = nil
	l.mu.Unlock()
	for _, c := range res {
		c.Close()
	}
}

// captured calls f with every value held in fn's upvalues, and in the
// upvalues of the closures among them (to a small depth): what a spawned
// closure can reach without going through a table. Tables are not walked: a
// shared table of clients would make every handler an owner of every client.
func captured(fn *lua.LFunction, f func(lua.LValue)) {
	seen := map[*lua.LFunction]bool{}
	var walk func(fn *lua.LFunction, depth int)
	walk = func(fn *lua.LFunction, depth int) {
		if seen[fn] || depth > 3 || len(seen) > 256 {
			return
		}
		seen[fn] = true
		for _, uv := range fn.Upvalues {
			if uv == nil {
				continue
			}
			switch v := uv.Value().(type) {
			case *lua.LUserData:
				f(v)
			case *lua.LFunction:
				walk(v, depth+1)
			}
		}
	}
	walk(fn, 0)
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
