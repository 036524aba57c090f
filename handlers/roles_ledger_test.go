package handlers_test

import "fmt"

// ledgerRoleCases are the liaison ledger's rows of the route × role table. Visits and
// messages are called by an id that does not exist: the role gate answers first, then
// the scope (404).
func ledgerRoleCases(x roleIDs) []roleCase {
	empty := map[string]any{}
	leaderOnly := []string{"leader"}
	overseers := []string{"admin", "office", "auditor"}
	messengers := []string{"admin", "auditor", "leader", "enterprise"}
	return []roleCase{
		{"GET", "/api/v1/visits", nil, everyone, false, []int{200}, nil},
		{"POST", "/api/v1/visits", empty, leaderOnly, false, []int{422}, nil},
		{"GET", "/api/v1/visits/999999", nil, everyone, false, []int{404}, nil},
		{"POST", "/api/v1/visits/999999/photos", empty, leaderOnly, false, []int{404}, nil},
		{"GET", "/api/v1/visits/999999/photos/1", nil, everyone, false, []int{404}, nil},
		{"GET", fmt.Sprintf("/api/v1/leaders/%d/ledger", x.leader), nil, append(overseers, "leader"), false, []int{200}, nil},
		{"GET", "/api/v1/ledger/coverage", nil, overseers, false, []int{200}, nil},
		{"GET", "/api/v1/settings/visit-cadence", nil, everyone, false, []int{200}, nil},
		{"PUT", "/api/v1/settings/visit-cadence", empty, adminOnly, false, []int{422}, nil},

		{"GET", "/api/v1/messages", nil, messengers, false, []int{200}, nil},
		{"POST", "/api/v1/messages", empty, []string{"enterprise"}, false, []int{422}, nil},
		{"GET", "/api/v1/messages/999999", nil, messengers, false, []int{404}, nil},
		{"POST", "/api/v1/messages/999999/appeal", empty, leaderOnly, false, []int{404}, nil},
		{"POST", "/api/v1/messages/999999/read", nil, leaderOnly, false, []int{404}, nil},

		{"GET", "/api/v1/export/enterprises.xlsx", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/export/liaisons.xlsx", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/export/visits.xlsx", nil, everyone, false, []int{200}, nil},
		{"GET", "/api/v1/export/appeals.xlsx", nil, everyone, false, []int{200}, nil},
		// Not a multipart upload: refused as a bad request once the role is admitted.
		{"POST", "/api/v1/import/enterprises", nil, adminOnly, false, []int{400}, nil},
		{"POST", "/api/v1/import/liaisons", nil, adminOnly, false, []int{400}, nil},
	}
}
