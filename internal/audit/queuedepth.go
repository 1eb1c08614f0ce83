package audit

// QueueDepth is the number of events waiting for their group commit (the
// metrics gauge userpool_audit_queue_depth).
func (r *Recorder) QueueDepth() int { return len(r.queue) }
