package runtime

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	lua "github.com/yuin/gopher-lua"
)

// Function is one bound Go function and its documentation. Every function
// socklab binds is described by one of these; help() and the completer read
// them, and a test fails if Doc or Args is empty.
//
// A module's functions and a type's methods are declared one by one, each
// above the Go function it binds (var queryFunc = runtime.Function{Name:
// "query", …}), so that the help a user reads stands beside the code it
// describes; the module or type lists them (Funcs: []runtime.Function{
// queryFunc, …}). The socket face, ipaddress (its entries mostly closures
// written in place) and urlparse's result type still keep one table of
// one-line entries.
type Function struct {
	Name string         // Lua name, e.g. "connect"
	Args string         // signature after the name, e.g. "(host, port[, timeout])"
	Doc  string         // one paragraph: what it does and returns
	Fn   lua.LGFunction // the implementation

	module string // "socket", "net", "" for globals; set by the registry
	method string // the type name, for methods
	// relays is set for functions that raise errors coming from Lua code
	// (error, the coroutine functions): their messages are passed on as
	// they are, never reworded as this function's argument errors.
	relays bool
}

// Signature is how help() titles the function: "socket.connect(host, port)".
func (f *Function) Signature() string {
	switch {
	case f.method != "":
		return f.method + ":" + f.Name + f.Args
	case f.module != "":
		return f.module + "." + f.Name + f.Args
	}
	return f.Name + f.Args
}

// Type is a userdata class: a socket, a task, a scan result.
type Type struct {
	Name    string     // metatable name, e.g. "socket"; shown by help
	Doc     string     // one line about the type
	Methods []Function // s:method(...)
	// Field returns a read-only attribute (s.family) or nil. May be nil.
	Field func(L *lua.LState, ud *lua.LUserData, key string) lua.LValue
	// Fields lists the attribute names, for completion and help.
	Fields []string
	// FixedFields are the attributes (some or all of Fields) whose values a
	// value keeps for its whole life and that few combinations cover, such
	// as a socket's family, type and proto; Fixed returns them for a userdata's Value, in that order.
	// NewUserData gives each combination of those values its own metatable
	// (variants.go), whose __index is a plain table holding the methods and
	// the values, so that s:recv and s.family are table lookups. Field
	// answers the other attributes, if any.
	FixedFields []string
	Fixed       func(v any) []lua.LValue
	// Tostring renders the value for print and the REPL. May be nil.
	Tostring func(ud *lua.LUserData) string
	// Meta adds other metamethods (__eq, __len, __index for integer keys…).
	Meta map[string]lua.LGFunction
	// Names names the values of numeric fields, for the REPL (names.go).
	Names Names
}

// Module is what a luabind package registers: a name, its functions, its
// constants and its types. Several packages may register under one name
// (scan, ping and friends all fill `net`).
type Module struct {
	Name   string // global name and require() name; "" adds globals
	Doc    string // one line, shown by help()
	Funcs  []Function
	Types  []*Type
	Values func(L *lua.LState, mod *lua.LTable) // constants and plain fields
	// Results names the metatables of the tables the module returns as
	// results (NewHeld, or a plain table given the metatable), each with the
	// __tostring that prints such a result.
	Results map[string]lua.LGFunction
}

var (
	regMu    sync.Mutex
	registry []*Module
)

// Register adds m to every runtime made after this call. Packages call it
// from init.
func Register(m *Module) {
	regMu.Lock()
	defer regMu.Unlock()
	prepare(m)
	registry = append(registry, m)
}

// prepare fills in the names help() titles functions with. It writes into
// the descriptors, so it runs once per module, at registration (or, for the
// builtins, in init): runtimes made at the same time only read them.
func prepare(m *Module) {
	for i := range m.Funcs {
		m.Funcs[i].module = m.Name
	}
	for _, t := range m.Types {
		prepareType(t)
	}
}

func prepareType(t *Type) {
	for i := range t.Methods {
		t.Methods[i].method = t.Name
	}
	checkFixed(t)
}

func registered() []*Module {
	regMu.Lock()
	defer regMu.Unlock()
	return append([]*Module(nil), registry...)
}

// load installs m into the state: its table as a global and in
// package.preload, its types' metatables, its functions' docs.
func (rt *Runtime) load(m *Module) {
	L := rt.L
	tbl := L.G.Global
	if m.Name != "" {
		existing, ok := L.GetGlobal(m.Name).(*lua.LTable)
		if !ok {
			existing = L.NewTable()
			L.SetGlobal(m.Name, existing)
			mod := existing
			preload := L.GetField(L.GetField(L.G.Global, "package"), "preload")
			L.SetField(preload, m.Name, L.NewFunction(func(L *lua.LState) int {
				L.Push(mod)
				return 1
			}))
		}
		tbl = existing
	}
	for _, t := range m.Types {
		rt.loadType(t)
	}
	for name, tostring := range m.Results {
		mt := L.NewTypeMetatable(name)
		L.SetField(mt, "__tostring", L.NewFunction(tostring))
		L.SetField(mt, "__name", lua.LString(name))
	}
	for i := range m.Funcs {
		f := &m.Funcs[i]
		L.SetField(tbl, f.Name, rt.bind(f))
	}
	if m.Values != nil {
		m.Values(L, tbl)
	}
	rt.modules = append(rt.modules, m)
}

// bind makes the Lua function for f and records its doc. A Go panic inside
// f becomes a Lua error naming the function, never a crash.
func (rt *Runtime) bind(f *Function) *lua.LFunction {
	impl := f.Fn
	name := f.Signature()
	isMethod := f.method != ""
	relays := f.relays
	lf := rt.L.NewFunction(func(L *lua.LState) (n int) {
		defer func() {
			if r := recover(); r != nil {
				if apiErr, isLuaError := r.(*lua.ApiError); isLuaError {
					if relays {
						panic(apiErr)
					}
					panic(asLua51ArgError(withoutEmptyPosition(apiErr), f.Name, isMethod))
				}
				L.RaiseError("internal error in %s: %v", name, r)
			}
		}()
		return impl(L)
	})
	rt.docs[lf] = f
	return lf
}

// argErrorPattern matches an argument error raised by the function itself:
// nothing before it but gopher-lua's position ("chunk:12: " or the blank it
// leaves when there is none), and the function named as gopher-lua names it
// (unquoted). An argument error that a callback raised and the function
// relays with a prefix of its own ("net.scan: on_result: test:1: bad
// argument #1 to 'rep' …") belongs to the callback and is left alone.
var argErrorPattern = regexp.MustCompile(`^(\s*|[^:\n]+:\d+: )bad argument #(\d+) to ([^'\s][^\n]*?) \((.*)\)$`)

// withoutEmptyPosition drops the blank gopher-lua puts before a message
// raised from a Go function that has no Lua caller to name (pcall(f, …)
// calling f directly): " send on closed channel" is "send on closed channel"
// in Lua 5.1.
func withoutEmptyPosition(err *lua.ApiError) *lua.ApiError {
	msg, ok := err.Object.(lua.LString)
	if !ok || !strings.HasPrefix(string(msg), " ") {
		return err
	}
	copied := *err
	copied.Object = lua.LString(strings.TrimPrefix(string(msg), " "))
	return &copied
}

// asLua51ArgError words gopher-lua's "bad argument #3 to connect (…)" as
// Lua 5.1 does: the function name quoted and, for a method call, self not
// counted ("bad argument #2 to 'connect'", or "calling 'connect' on bad
// self"). gopher-lua names the caller's frame, which is "main chunk" when
// the function is called straight from pcall, so the bound name is used.
func asLua51ArgError(err *lua.ApiError, name string, isMethod bool) *lua.ApiError {
	msg, ok := err.Object.(lua.LString)
	if !ok {
		return err
	}
	m := argErrorPattern.FindStringSubmatch(string(msg))
	if m == nil {
		return err
	}
	where, n, fn, why := m[1], m[2], name, m[4]
	if strings.TrimSpace(where) == "" { // gopher-lua's empty position leaves a space
		where = ""
	}
	arg, _ := strconv.Atoi(n)
	text := fmt.Sprintf("%sbad argument #%d to '%s' (%s)", where, arg, fn, why)
	if isMethod {
		if arg == 1 {
			text = fmt.Sprintf("%scalling '%s' on bad self (%s)", where, fn, why)
		} else {
			text = fmt.Sprintf("%sbad argument #%d to '%s' (%s)", where, arg-1, fn, why)
		}
	}
	copied := *err
	copied.Object = lua.LString(text)
	return &copied
}

func (rt *Runtime) loadType(t *Type) {
	L := rt.L
	mt := L.NewTypeMetatable(t.Name)
	methods := L.NewTable()
	for i := range t.Methods {
		f := &t.Methods[i]
		L.SetField(methods, f.Name, rt.bind(f))
	}
	// Methods through a table, as gopher-lua's own modules do: the VM finds
	// s:recv by a table lookup, with no Go call. A type with attributes
	// (Field, Fixed) or its own __index needs the userdata itself to
	// answer, which a lookup in a table never sees, so its base metatable
	// keeps a function that tries the methods first. NewUserData gives a
	// type whose attributes are all fixed a variant with a table instead.
	if t.Field == nil && t.Fixed == nil && t.Meta["__index"] == nil {
		L.SetField(mt, "__index", methods)
	} else {
		L.SetField(mt, "__index", rt.indexFunction(t, methods, t.Fixed != nil))
	}
	L.SetField(mt, "__methods", methods)
	L.SetField(mt, "__name", lua.LString(t.Name))
	if t.Tostring != nil {
		tostring := t.Tostring
		L.SetField(mt, "__tostring", L.NewFunction(func(L *lua.LState) int {
			L.Push(lua.LString(tostring(L.CheckUserData(1))))
			return 1
		}))
	}
	for name, fn := range t.Meta {
		if name != "__index" {
			L.SetField(mt, name, L.NewFunction(fn))
		}
	}
	rt.types[mt] = t
	if t.Names != nil {
		rt.addNames(mt, t.Names)
	}
}

// indexFunction is the __index of a type with attributes: the table
// (methods, and a variant's fixed values) first, then the fixed attributes
// when withFixed (a userdata left with the base metatable), then Field,
// then the type's own __index.
func (rt *Runtime) indexFunction(t *Type, table *lua.LTable, withFixed bool) *lua.LFunction {
	field := t.Field
	return rt.L.NewFunction(func(L *lua.LState) int {
		ud := L.CheckUserData(1)
		key := L.Get(2)
		if k, ok := key.(lua.LString); ok {
			if m := table.RawGetString(string(k)); m != lua.LNil {
				L.Push(m)
				return 1
			}
			if withFixed {
				if v := fixedField(t, ud.Value, string(k)); v != nil {
					L.Push(v)
					return 1
				}
			}
			if field != nil {
				if v := field(L, ud, string(k)); v != nil {
					L.Push(v)
					return 1
				}
			}
		}
		if idx, ok := t.Meta["__index"]; ok {
			return idx(L)
		}
		L.Push(lua.LNil)
		return 1
	})
}

// NewUserData wraps v in a userdata of the registered type typeName. A type
// with FixedFields gets the metatable of v's variant (variants.go).
func NewUserData(L *lua.LState, typeName string, v any) *lua.LUserData {
	ud := L.NewUserData()
	ud.Value = v
	mt := L.GetTypeMetatable(typeName)
	if base, ok := mt.(*lua.LTable); ok {
		if rt, ok := byGlobal.Load(L.G); ok {
			if t := rt.(*Runtime).types[base]; t != nil && t.Fixed != nil {
				mt = rt.(*Runtime).variant(base, t, v)
			}
		}
	}
	L.SetMetatable(ud, mt)
	return ud
}

// Check returns argument n as a T held in a userdata, or raises
// "bad argument #n to 'f' (typeName expected, got …)".
func Check[T any](L *lua.LState, n int, typeName string) T {
	if ud, ok := L.Get(n).(*lua.LUserData); ok {
		if v, ok := ud.Value.(T); ok {
			return v
		}
	}
	L.ArgError(n, fmt.Sprintf("%s expected, got %s", typeName, typeNameOf(L.Get(n))))
	var zero T
	return zero
}

func typeNameOf(v lua.LValue) string {
	if ud, ok := v.(*lua.LUserData); ok {
		if mt, ok := ud.Metatable.(*lua.LTable); ok {
			if name, ok := mt.RawGetString("__name").(lua.LString); ok {
				return string(name)
			}
		}
	}
	if v == lua.LNil {
		return "no value"
	}
	return v.Type().String()
}

// Doc returns the documentation of a bound function, or nil.
func (rt *Runtime) Doc(fn *lua.LFunction) *Function { return rt.docs[fn] }

// TypeOf returns the registered type of a userdata, or nil.
func (rt *Runtime) TypeOf(v lua.LValue) *Type {
	ud, ok := v.(*lua.LUserData)
	if !ok {
		return nil
	}
	mt, ok := ud.Metatable.(*lua.LTable)
	if !ok {
		return nil
	}
	return rt.types[mt]
}

// Modules returns the loaded modules.
func (rt *Runtime) Modules() []*Module { return rt.modules }

// Members lists the names completion offers after `v.` or `v:`: a table's
// string keys (and those of its __index table and its metatable's
// __fields list), or a userdata's methods and fields. Call with the lock
// held.
func (rt *Runtime) Members(v lua.LValue) []string {
	seen := map[string]bool{}
	var add func(v lua.LValue, depth int)
	add = func(v lua.LValue, depth int) {
		if depth > 4 {
			return
		}
		switch x := v.(type) {
		case *lua.LTable:
			x.ForEach(func(k, _ lua.LValue) {
				if s, ok := k.(lua.LString); ok {
					seen[string(s)] = true
				}
			})
			if mt, ok := x.Metatable.(*lua.LTable); ok {
				add(mt.RawGetString("__index"), depth+1)
				// Fields a function __index answers (an address's host and
				// port) are listed in __fields.
				if fields, ok := mt.RawGetString("__fields").(*lua.LTable); ok {
					fields.ForEach(func(_, f lua.LValue) {
						if s, ok := f.(lua.LString); ok {
							seen[string(s)] = true
						}
					})
				}
			}
		case *lua.LUserData:
			if t := rt.TypeOf(x); t != nil {
				for _, m := range t.Methods {
					seen[m.Name] = true
				}
				for _, f := range t.Fields {
					seen[f] = true
				}
			}
		}
	}
	add(v, 0)
	if s, ok := v.(lua.LString); ok || v.Type() == lua.LTString {
		_ = s
		add(rt.L.GetGlobal("string"), 0)
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
