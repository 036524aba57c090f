package appeal

// SetMaxSetValues lowers the bound on a search word's set of enterprises or categories
// until the returned function restores it.
func SetMaxSetValues(n int) (restore func()) {
	old := maxSetValues
	maxSetValues = n
	return func() { maxSetValues = old }
}
