package handlers_test

// oversightCases are the role table's rows for the discipline office's routes; they go
// before the last row (logout), which revokes the callers' tokens.
func withOversightCases(cases []roleCase, x roleIDs) []roleCase {
	empty := map[string]any{}
	auditorOnly := []string{"auditor"}
	// Only an auditor may open the vault; everyone else is told there is no such appeal.
	vault := map[string][]int{"admin": {404}, "office": {404}, "department": {404}, "leader": {404}, "enterprise": {404}}
	rows := []roleCase{
		{"POST", "/api/v1/public/reports", empty, nil, true, []int{422}, nil},
		{"GET", "/api/v1/public/reports/12345678901234567890", nil, nil, true, []int{404}, nil},
		{"POST", "/api/v1/public/reports/12345678901234567890/messages", empty, nil, true, []int{422}, nil},
		{"POST", "/api/v1/public/reports/12345678901234567890/rating", empty, nil, true, []int{422}, nil},
		{"GET", "/api/v1/public/options", nil, nil, true, []int{200}, nil},
		{"POST", "/api/v1/appeals/1/identity", empty, everyone, false, []int{422}, vault},
		{"GET", "/api/v1/oversight/summary", nil, auditorOnly, false, []int{200}, nil},
		{"GET", "/api/v1/oversight/reveals", nil, auditorOnly, false, []int{200}, nil},
		{"GET", "/api/v1/oversight/sample", nil, auditorOnly, false, []int{200}, nil},
		{"POST", "/api/v1/oversight/sample", empty, auditorOnly, false, []int{409}, nil},
		{"GET", "/api/v1/oversight/accountability", nil, auditorOnly, false, []int{200}, nil},
		{"POST", "/api/v1/oversight/accountability", empty, auditorOnly, false, []int{422}, nil},
		{"GET", "/api/v1/oversight/accountability/1", nil, auditorOnly, false, []int{404}, nil},
		{"POST", "/api/v1/oversight/cases", empty, auditorOnly, false, []int{422}, nil},
		{"PATCH", "/api/v1/oversight/cases/1", empty, auditorOnly, false, []int{404}, nil},
		{"GET", "/api/v1/cases", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/cases/1", nil, everyone, false, []int{404}, nil},
		{"GET", "/api/v1/audit/checkpoint", nil, adminAuditor, false, []int{200}, nil},
		{"POST", "/api/v1/audit/checkpoint/verify", "", adminAuditor, false, []int{400}, nil},
		{"GET", "/api/v1/audit/key", nil, nil, true, []int{200}, nil},
		{"GET", "/api/v1/audit/checkpoints", nil, auditorOnly, false, []int{200}, nil},
		// No daily checkpoint is made by a test server that runs no clock job.
		{"GET", "/api/v1/audit/checkpoints/latest", nil, auditorOnly, false, []int{200, 404}, nil},
		{"POST", "/api/v1/audit/checkpoints/latest/verify", nil, auditorOnly, false, []int{200, 404}, nil},
	}
	for _, kind := range []string{"overdue", "reopened", "unsatisfied", "returned", "extensions", "suspicious", "supervisions"} {
		rows = append(rows, roleCase{"GET", "/api/v1/oversight/" + kind, nil, auditorOnly, false, []int{200}, nil})
	}
	last := len(cases) - 1
	return append(append(cases[:last:last], rows...), cases[last])
}
