package socket

import (
	"sync/atomic"
	"time"

	lua "github.com/yuin/gopher-lua"

	"socklab/internal/resolver"
	"socklab/internal/sock"
)

// moduleState is the module's configuration in one runtime: Python keeps
// setdefaulttimeout's value per process, socklab per runtime (one per
// process in the shell; tests make many, side by side).
type moduleState struct {
	defaultTimeout atomic.Int64       // ns; < 0: none
	threads        *sock.Budget       // blocking calls' thread budget
	resolver       *resolver.Resolver // hosts, resolv.conf, services
}

// stateKey is where the state lives in the Lua registry.
const stateKey = "socklab.socket.state"

func newState() *moduleState {
	st := &moduleState{threads: sock.DefaultBudget, resolver: resolver.System}
	st.defaultTimeout.Store(-1)
	return st
}

func installState(L *lua.LState) {
	ud := L.NewUserData()
	ud.Value = newState()
	L.G.Registry.RawSetString(stateKey, ud)
}

// stateOf is the state of L's runtime.
func stateOf(L *lua.LState) *moduleState {
	return L.G.Registry.RawGetString(stateKey).(*lua.LUserData).Value.(*moduleState)
}

func (st *moduleState) timeout() time.Duration { return time.Duration(st.defaultTimeout.Load()) }

// newSocket opens a socket with the runtime's default timeout and budget.
func (st *moduleState) newSocket(family, typ, proto int) (*sock.Socket, error) {
	return sock.NewSocket(family, typ, proto, st.timeout(), st.threads)
}
