package shell

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	lua "github.com/yuin/gopher-lua"
	"github.com/yuin/gopher-lua/ast"
	"github.com/yuin/gopher-lua/parse"

	"socklab/luabind/runtime"
)

// gopher-lua says "attempt to call a non-function object" without naming
// what was called. Lua 5.1 names it: "attempt to call field 'gethostbynam'
// (a nil value)". The shell has the source of every chunk it runs, so it
// finds the calls on the error's line and names the one that is not a
// function, with a "did you mean" when the indexed table (or a socklab
// type's methods) has a close name.

var callErrorPattern = regexp.MustCompile(`^(.*?):(\d+): attempt to call a non-function object$`)

// explainCallError rewrites msg (the first line of an error) if it is
// gopher-lua's anonymous call error and src shows the culprit.
func explainCallError(rt *runtime.Runtime, src, msg string) string {
	m := callErrorPattern.FindStringSubmatch(msg)
	if m == nil {
		return msg
	}
	line, _ := strconv.Atoi(m[2])
	chunk, err := parse.Parse(strings.NewReader(src), "=src")
	if err != nil {
		return msg
	}
	var calls []*ast.FuncCallExpr
	walkAST(reflect.ValueOf(chunk), func(c *ast.FuncCallExpr) {
		if c.Line() == line {
			calls = append(calls, c)
		}
	})
	var best string
	rt.Do(func(L *lua.LState) {
		var unknown []string
		for _, c := range calls {
			desc, value, known := describeCallee(L, c)
			if desc == "" {
				continue
			}
			if !known {
				unknown = append(unknown, desc)
				continue
			}
			if _, isFn := value.(*lua.LFunction); isFn {
				continue
			}
			if tbl, ok := value.(*lua.LTable); ok && tbl.Metatable != lua.LNil {
				continue // may have __call
			}
			best = fmt.Sprintf("attempt to call %s (a %s value)%s", desc, value.Type(), didYouMean(rt, L, c))
			return
		}
		if len(unknown) == 1 { // a local's field or method: the only suspect
			for _, c := range calls {
				if d, _, known := describeCallee(L, c); d == unknown[0] && !known {
					best = fmt.Sprintf("attempt to call %s (a nil value?)%s", d, didYouMean(rt, L, c))
				}
			}
		}
	})
	if best == "" {
		return msg
	}
	return m[1] + ":" + m[2] + ": " + best
}

// describeCallee says how Lua 5.1 names the callee ("global 'len'", "field
// 'gethostbynam'", "method 'conect'") and, when it can be evaluated from
// globals alone, its value.
func describeCallee(L *lua.LState, c *ast.FuncCallExpr) (desc string, value lua.LValue, known bool) {
	if c.Method != "" {
		return fmt.Sprintf("method '%s'", c.Method), lua.LNil, false
	}
	switch f := c.Func.(type) {
	case *ast.IdentExpr:
		return fmt.Sprintf("global '%s'", f.Value), L.GetGlobal(f.Value), true
	case *ast.AttrGetExpr:
		key, ok := f.Key.(*ast.StringExpr)
		if !ok {
			return "", nil, false
		}
		obj, ok := globalPath(L, f.Object)
		desc = fmt.Sprintf("field '%s'", key.Value)
		if !ok {
			return desc, lua.LNil, false
		}
		if tbl, isTbl := obj.(*lua.LTable); isTbl {
			return desc, L.GetField(tbl, key.Value), true
		}
		return desc, lua.LNil, false
	}
	return "", nil, false
}

// globalPath evaluates a chain of a global name and constant keys (socket,
// a.b.c, r[1].family) from the globals, reading raw so that no metamethod
// runs; ok is false for anything else, or when a link is not a table.
func globalPath(L *lua.LState, e ast.Expr) (lua.LValue, bool) {
	switch x := e.(type) {
	case *ast.IdentExpr:
		return L.G.Global.RawGetString(x.Value), true
	case *ast.AttrGetExpr:
		obj, ok := globalPath(L, x.Object)
		tbl, isTbl := obj.(*lua.LTable)
		if !ok || !isTbl {
			return nil, false
		}
		switch k := x.Key.(type) {
		case *ast.StringExpr:
			return tbl.RawGetString(k.Value), true
		case *ast.NumberExpr:
			if n, err := strconv.ParseFloat(k.Value, 64); err == nil {
				return tbl.RawGet(lua.LNumber(n)), true
			}
		}
	}
	return nil, false
}

// didYouMean proposes the closest name: among the indexed table's keys, the
// globals, or every socklab type's methods.
func didYouMean(rt *runtime.Runtime, L *lua.LState, c *ast.FuncCallExpr) string {
	var name, prefix string
	var candidates []string
	switch {
	case c.Method != "":
		name = c.Method
		prefix = ":"
		for _, m := range rt.Modules() {
			for _, t := range m.Types {
				for _, f := range t.Methods {
					candidates = append(candidates, f.Name)
				}
			}
		}
	default:
		switch f := c.Func.(type) {
		case *ast.IdentExpr:
			name = f.Value
			L.G.Global.ForEach(func(k, _ lua.LValue) { candidates = append(candidates, lua.LVAsString(k)) })
		case *ast.AttrGetExpr:
			key, _ := f.Key.(*ast.StringExpr)
			if key == nil {
				return ""
			}
			name = key.Value
			if obj, ok := globalPath(L, f.Object); ok {
				if tbl, isTbl := obj.(*lua.LTable); isTbl {
					tbl.ForEach(func(k, _ lua.LValue) { candidates = append(candidates, lua.LVAsString(k)) })
					if id, isID := f.Object.(*ast.IdentExpr); isID {
						prefix = id.Value + "."
					}
				}
			}
		}
	}
	// Close means a third of the name's letters at most: "gethostbynam",
	// "conect"; a short name such as len has no safe neighbour.
	best, bestDist := "", len(name)/3+1
	sort.Strings(candidates)
	for _, cand := range candidates {
		if cand == name {
			continue
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(cand)); d < bestDist {
			best, bestDist = cand, d
		}
	}
	if best == "" {
		return ""
	}
	if prefix == ":" {
		return fmt.Sprintf("; did you mean :%s?", best)
	}
	return fmt.Sprintf("; did you mean %s%s?", prefix, best)
}

// editDistance is Levenshtein's distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

var callType = reflect.TypeOf(&ast.FuncCallExpr{})

// walkAST calls visit for every function call in v (an AST node, a slice
// of them, or a struct holding them).
func walkAST(v reflect.Value, visit func(*ast.FuncCallExpr)) {
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type() == callType {
			visit(v.Interface().(*ast.FuncCallExpr))
		}
		walkAST(v.Elem(), visit)
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			walkAST(v.Index(i), visit)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			f := v.Field(i)
			if !v.Type().Field(i).IsExported() {
				continue
			}
			switch f.Kind() {
			case reflect.Interface, reflect.Pointer, reflect.Slice, reflect.Struct:
				walkAST(f, visit)
			}
		}
	}
}
