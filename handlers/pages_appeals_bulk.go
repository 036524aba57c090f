package handlers

import (
	"qinqing/db/appeal"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// bulkForm reads the list's bulk form: the checked appeals (name "id"), the version each
// row showed ("v<id>"), the action and its fields.
func bulkForm(c *fiber.Ctx) appeal.BulkInput {
	in := appeal.BulkInput{Action: appeal.Action(c.FormValue("action")), IDs: formIDs(c, "id"), Versions: map[int64]int64{},
		Fields: appeal.ActionInput{Note: c.FormValue("note"), Tier: appeal.Tier(c.FormValue("tier")), DepartmentID: formID(c, "department_id")}}
	for _, id := range in.IDs {
		if v, err := strconv.ParseInt(c.FormValue("v"+strconv.FormatInt(id, 10)), 10, 64); err == nil {
			in.Versions[id] = v
		}
	}
	return in
}

// appealsBulk takes one action on the appeals checked on the list, then shows the list
// again, as it is now, with each appeal's outcome. "export" sends the selection to the
// spreadsheet export instead.
func (s *Server) appealsBulk(c *fiber.Ctx) error {
	a, _ := actorOf(c)
	in := bulkForm(c)
	if in.Action == "export" && len(in.IDs) > 0 {
		ids := make([]string, len(in.IDs))
		for i, id := range in.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		return c.Redirect("/api/v1/export/appeals.xlsx?ids="+strings.Join(ids, ","), fiber.StatusSeeOther)
	}
	res, berr := appeal.BulkAct(c.UserContext(), s.db, a, in)
	if db.ErrorCode(berr) == db.EFORBIDDEN {
		return berr
	}
	v, err := s.appealList(c)
	if err != nil {
		return s.formFailed(c, "appeals", "诉求", v, err)
	}
	if berr != nil {
		return s.formFailed(c, "appeals", "诉求", v, berr)
	}
	v.Bulk = res
	return s.render(c, "appeals", "诉求", v)
}

// apiBulkAppeals is POST /appeals/bulk: one action on many appeals, each appeal's result.
func (s *Server) apiBulkAppeals(c *fiber.Ctx) error {
	var in appeal.BulkInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	res, err := appeal.BulkAct(c.UserContext(), s.db, a, in)
	if err != nil {
		return err
	}
	return c.JSON(res)
}
