package runtime

import (
	"fmt"
	"sort"
	"strings"

	lua "github.com/yuin/gopher-lua"
)

var helpFunc = Function{Name: "help", Args: "([name])", Doc: "Shows help on a module or function. help() lists modules, help(socket) a module, help(socket.connect) or help(\"socket.connect\") one function.", Fn: luaHelp}

// help prints documentation: help() lists modules and globals, help(x)
// describes a module, function, typed value or dotted name. The text is
// wrapped to the help width and shown through the pager (pager.go).
func luaHelp(L *lua.LState) int {
	rt := Of(L)
	var b strings.Builder
	switch {
	case L.GetTop() == 0:
		rt.helpIndex(&b)
	default:
		v := L.Get(1)
		if s, ok := v.(lua.LString); ok {
			if v = rt.lookupPath(L, string(s)); v == lua.LNil { // not a name: search the docs (helpmore.go)
				rt.helpSearch(&b, string(s))
				break
			}
		}
		if v == lua.LNil {
			fmt.Fprintln(&b, "help(nil): that name does not exist. Methods are looked up by name: help(\"socket.connect\") or help(s.connect) for a socket s.")
		} else {
			rt.helpValue(&b, v)
		}
	}
	rt.showHelp(L, b.String())
	return 0
}

func (rt *Runtime) helpIndex(b *strings.Builder) {
	fmt.Fprintln(b, "socklab: Lua 5.1 with network modules. help(name) tells more, e.g. help(socket) or help(\"socket.connect\").")
	fmt.Fprintln(b, "\nModules:")
	seen := map[string]bool{}
	for _, m := range rt.modules {
		if m.Name == "" || seen[m.Name] {
			continue
		}
		seen[m.Name] = true
		fmt.Fprintf(b, "  %-10s %s\n", m.Name, rt.moduleDoc(m.Name))
	}
	fmt.Fprintln(b, "\nGlobals:")
	for _, m := range rt.modules {
		if m.Name == "" {
			for _, f := range m.Funcs {
				fmt.Fprintf(b, "  %-28s %s\n", f.Signature(), truncate(firstSentence(f.Doc), rt.HelpWidth()-32))
			}
		}
	}
}

func (rt *Runtime) moduleDoc(name string) string {
	var docs []string
	for _, m := range rt.modules {
		if m.Name == name && m.Doc != "" {
			docs = append(docs, m.Doc)
		}
	}
	return strings.Join(docs, "; ")
}

func (rt *Runtime) helpValue(b *strings.Builder, v lua.LValue) {
	switch x := v.(type) {
	case *lua.LFunction:
		if f := rt.docs[x]; f != nil {
			fmt.Fprintf(b, "%s\n  %s\n", f.Signature(), rt.wrap(f.Doc, "  "))
			return
		}
		if rt.helpLuaFunction(b, x) {
			return
		}
		if x.IsG {
			fmt.Fprintln(b, "a built-in function of Lua 5.1 (see the Lua 5.1 manual)")
		} else {
			fmt.Fprintf(b, "a Lua function defined at %s\n", functionName(x))
		}
	case *lua.LTable:
		for _, m := range rt.modules {
			if m.Name != "" && rt.L.GetGlobal(m.Name) == x {
				rt.helpModule(b, m.Name, x)
				return
			}
		}
		if rt.helpLuaLibrary(b, x) {
			return
		}
		fmt.Fprintf(b, "a table with %d entries; its keys complete with TAB\n", countKeys(x))
	case *lua.LUserData:
		if t := rt.TypeOf(x); t != nil {
			rt.helpType(b, t)
			return
		}
		fmt.Fprintln(b, "a userdata")
	default:
		fmt.Fprintf(b, "a %s value\n", v.Type())
	}
}

func (rt *Runtime) helpModule(b *strings.Builder, name string, tbl *lua.LTable) {
	fmt.Fprintf(b, "%s\n", rt.wrap(name+": "+rt.moduleDoc(name), "  "))
	var funcs []*Function
	var types []*Type
	for _, m := range rt.modules {
		if m.Name == name {
			for i := range m.Funcs {
				funcs = append(funcs, &m.Funcs[i])
			}
			types = append(types, m.Types...)
		}
	}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].Name < funcs[j].Name })
	fmt.Fprintln(b, "\nFunctions:")
	for _, f := range funcs {
		fmt.Fprintf(b, "  %s\n      %s\n", f.Signature(), rt.wrap(firstSentence(f.Doc), "      "))
	}
	var consts []string
	tbl.ForEach(func(k, v lua.LValue) {
		if _, isFn := v.(*lua.LFunction); !isFn {
			consts = append(consts, lua.LVAsString(k))
		}
	})
	if len(consts) > 0 {
		sort.Strings(consts)
		fmt.Fprintf(b, "\nConstants and fields:\n  %s\n", rt.wrap(strings.Join(consts, " "), "  "))
	}
	for _, t := range types {
		fmt.Fprintln(b)
		rt.helpType(b, t)
	}
}

func (rt *Runtime) helpType(b *strings.Builder, t *Type) {
	fmt.Fprintf(b, "%s\n", rt.wrap(t.Name+" objects: "+t.Doc, "  "))
	if len(t.Fields) > 0 {
		fmt.Fprintf(b, "  fields: %s\n", strings.Join(t.Fields, ", "))
	}
	for _, m := range t.Methods {
		fmt.Fprintf(b, "  %s\n      %s\n", m.Signature(), rt.wrap(firstSentence(m.Doc), "      "))
	}
}

// lookupPath resolves "socket.connect" or "socket" from the globals.
func (rt *Runtime) lookupPath(L *lua.LState, path string) lua.LValue {
	var v lua.LValue = L.G.Global
	for _, part := range strings.FieldsFunc(path, func(r rune) bool { return r == '.' || r == ':' }) {
		switch x := v.(type) {
		case *lua.LTable:
			v = L.GetField(x, part)
		case *lua.LUserData:
			v = lua.LNil
			if t := rt.TypeOf(x); t != nil {
				for i := range t.Methods {
					if t.Methods[i].Name == part {
						return methodValue(L, t.Name, part)
					}
				}
			}
		default:
			return lua.LNil
		}
	}
	if v == L.G.Global {
		return lua.LNil
	}
	if v == lua.LNil {
		return rt.lookupMethod(L, path)
	}
	return v
}

// lookupMethod finds "socket.connect" as the method connect of a type that
// the module socket registers, since methods are not module fields.
func (rt *Runtime) lookupMethod(L *lua.LState, path string) lua.LValue {
	i := strings.LastIndexAny(path, ".:")
	if i < 0 {
		return lua.LNil
	}
	module, name := path[:i], path[i+1:]
	for _, m := range rt.modules {
		if m.Name != module {
			continue
		}
		for _, t := range m.Types {
			for j := range t.Methods {
				if t.Methods[j].Name == name {
					return methodValue(L, t.Name, name)
				}
			}
		}
	}
	return lua.LNil
}

func methodValue(L *lua.LState, typeName, name string) lua.LValue {
	mt := L.GetTypeMetatable(typeName)
	return L.GetField(L.GetField(mt, "__methods"), name)
}

// firstSentence is the summary help lists show: the doc's first sentence.
func firstSentence(s string) string {
	for i := 0; i+2 < len(s); i++ {
		if s[i] == '.' && s[i+1] == ' ' && s[i+2] >= 'A' && s[i+2] <= 'Z' {
			return s[:i+1]
		}
	}
	return s
}

// truncate cuts s to n characters, marking the cut.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func countKeys(t *lua.LTable) int {
	n := 0
	t.ForEach(func(_, _ lua.LValue) { n++ })
	return n
}

// wrap fills s into lines of the help width, less a margin of two columns,
// the lines after the first starting with indent (the first is indented by
// the caller).
func (rt *Runtime) wrap(s, indent string) string {
	return wrap(s, rt.HelpWidth()-2-len(indent), indent)
}

func wrap(s string, width int, indent string) string {
	var b strings.Builder
	col := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if col+1+len(w) > width {
				b.WriteString("\n" + indent)
				col = 0
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}
