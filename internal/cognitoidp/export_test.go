package cognitoidp

// NewInputForTest returns a fresh zero value of the registered input shape of
// op (a pointer to its wire struct), or nil when op is not registered. The
// robustness tests reflect over it to derive each operation's top-level
// members, so that a newly registered operation is covered without editing
// any list.
func NewInputForTest(h *Handler, op string) any {
	o := h.ops[op]
	if o == nil {
		return nil
	}
	return o.newInput()
}

// MutatesForTest reports whether op is registered as changing state (the
// flag that decides whether a signed call is audited).
func MutatesForTest(h *Handler, op string) bool {
	o := h.ops[op]
	return o != nil && o.mutates
}
