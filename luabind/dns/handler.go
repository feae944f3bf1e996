package dns

import (
	"context"
	"errors"

	lua "github.com/yuin/gopher-lua"

	engine "socklab/internal/dns"
)

// luaHandler wraps a Lua handler function for the engine.
func luaHandler(L *lua.LState, fn *lua.LFunction) (engine.Handler, func(engine.Request, error)) {
	return func(ctx context.Context, req engine.Request) (*engine.Answer, error) {
		return nil, errors.New("Lua handlers are not wired yet")
	}, nil
}
