package shell

import (
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"socklab/luabind/runtime"
)

// A number that stands for a constant shows its name at the prompt:
// socket.AF_INET, s.family and e.family print as `2 (AF_INET)`. The value
// stays the number; the shell only reads the entry's source to find which
// field was read, and asks the runtime what the modules named it
// (runtime.ValueName). Only a plain chain of names and constant keys is
// read again, so nothing the entry calls runs twice.

// constantName is the name to show beside the single value v that entry
// src returned, or "". Call it with the lock held.
func constantName(rt *runtime.Runtime, L *lua.LState, src string, v lua.LValue) string {
	if _, isNum := v.(lua.LNumber); !isNum {
		return ""
	}
	if parts, ok := splitStatements(src); ok { // `s = socket.socket(); s.type`
		src = parts[len(parts)-1]
	}
	chunk, err := parse.Parse(strings.NewReader("return "+src), "=input")
	if err != nil || len(chunk) != 1 {
		return ""
	}
	ret, ok := chunk[0].(*ast.ReturnStmt)
	if !ok || len(ret.Exprs) != 1 {
		return ""
	}
	get, ok := ret.Exprs[0].(*ast.AttrGetExpr)
	if !ok {
		return ""
	}
	key, ok := get.Key.(*ast.StringExpr)
	if !ok {
		return ""
	}
	container, ok := readChain(L, get.Object)
	if !ok {
		return ""
	}
	return rt.ValueName(container, key.Value, v)
}

// readChain evaluates a chain of a global name and constant keys (a.b[1])
// with raw reads, so that no metamethod runs; ok is false for anything
// else, or when a link is not a table.
func readChain(L *lua.LState, e ast.Expr) (lua.LValue, bool) {
	switch x := e.(type) {
	case *ast.IdentExpr:
		return L.G.Global.RawGetString(x.Value), true
	case *ast.AttrGetExpr:
		obj, ok := readChain(L, x.Object)
		t, isTable := obj.(*lua.LTable)
		if !ok || !isTable {
			return nil, false
		}
		switch k := x.Key.(type) {
		case *ast.StringExpr:
			return t.RawGetString(k.Value), true
		case *ast.NumberExpr:
			n, err := strconv.ParseFloat(k.Value, 64)
			if err != nil {
				return nil, false
			}
			return t.RawGet(lua.LNumber(n)), true
		}
	}
	return nil, false
}
