package cognitoidp

// NewInputForTest returns a fresh zero value of the input shape of op (a
// pointer to its wire struct), or nil when op is not in the table. The
// robustness tests reflect over it to derive each operation's top-level
// members, so that an operation added to the table is covered without editing
// any list.
func NewInputForTest(h *Handler, op string) any {
	o := h.ops[op]
	if o == nil {
		return nil
	}
	return o.newInput()
}

// MutatesForTest reports whether op's row says it changes state (audit
// class auditWrites: every signed call is audited).
func MutatesForTest(h *Handler, op string) bool {
	o := h.ops[op]
	return o != nil && o.audit == auditWrites
}
