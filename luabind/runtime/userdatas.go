package runtime

import lua "github.com/yuin/gopher-lua"

// NewUserDatas makes n userdata of the registered type typeName in one
// allocation (their Value left for the caller to set): a result of 10,000
// connections or 100,000 ping replies made them one by one in as long as
// the work they describe took.
func NewUserDatas(L *lua.LState, typeName string, n int) []lua.LUserData {
	meta := L.GetTypeMetatable(typeName)
	uds := make([]lua.LUserData, n)
	for i := range uds {
		uds[i] = lua.LUserData{Env: L.Env, Metatable: meta}
	}
	return uds
}
