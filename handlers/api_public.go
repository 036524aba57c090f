package handlers

import (
	"fmt"
	"qinqing/db/appeal"
	"qinqing/db/oversight"
	"qinqing/db/register"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// Throttles of the public channel, per client address and kept in memory only: wrong
// receipt codes (a guess that fails), reports filed, and follow-ups sent with a code.
// Each is reserved before the receipt's argon2id runs or anything is stored.
const (
	maxReceiptFails  = 10
	maxReportsFiled  = 10
	maxReportUpdates = 10
	receiptThrottle  = "receipt:"
	reportThrottle   = "report:"
	updateThrottle   = "update:"
	tooManyGuesses   = "回执码错误次数过多，请 %d 分钟后再试。"
)

// receiptGate reserves a guess before any lookup, so that a right code answers 429 as
// well while the client is blocked, and concurrent guesses are counted as they arrive.
func (s *Server) receiptGate(c *fiber.Ctx) (*reservation, error) {
	res, wait := s.throttle.take(limit{receiptThrottle + s.clientIP(c), maxReceiptFails})
	if res == nil {
		return nil, tooMany(c, wait, tooManyGuesses)
	}
	return res, nil
}

// receiptDone keeps the reserved guess only for a wrong code. A right code gives back its
// own guess but clears nothing else, so that a guesser cannot reset the count with a code
// of their own.
func receiptDone(res *reservation, err error) error {
	if db.ErrorCode(err) != db.ENOTFOUND {
		res.release()
	}
	return err
}

// updateGate reserves a follow-up (message or files) and a receipt guess for the client.
// The follow-up stays counted only when it was stored, the guess only when the code was
// wrong.
func (s *Server) updateGate(c *fiber.Ctx) (done func(error) error, err error) {
	upd, wait := s.throttle.take(limit{updateThrottle + s.clientIP(c), maxReportUpdates})
	if upd == nil {
		return nil, tooMany(c, wait, "补充过于频繁，请 %d 分钟后再试。")
	}
	guess, err := s.receiptGate(c)
	if err != nil {
		upd.release()
		return nil, err
	}
	return func(err error) error {
		if err != nil {
			upd.release()
		}
		return receiptDone(guess, err)
	}, nil
}

// reportForm reads a report from JSON or from a multipart form with its files.
func reportForm(c *fiber.Ctx) (oversight.ReportInput, []appeal.Upload, error) {
	var in oversight.ReportInput
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return in, nil, decodeJSON(c, &in)
	}
	in = oversight.ReportInput{Category: c.FormValue("category"), Title: c.FormValue("title"), Content: c.FormValue("content"),
		Official: c.FormValue("official"), Anonymous: formBool(c.FormValue("anonymous")),
		ContactName: c.FormValue("contact_name"), ContactPhone: c.FormValue("contact_phone")}
	if raw := c.FormValue("about_department_id"); raw != "" && raw != "0" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			return in, nil, fieldError(db.EINVALID, "about_department_id", "被举报单位无效")
		}
		in.AboutDepartmentID = &id
	}
	ups, err := readUploads(c)
	return in, ups, err
}

func formBool(v string) bool { return v == "true" || v == "1" || v == "on" || v == "yes" }

func (s *Server) fileReport(c *fiber.Ctx, in oversight.ReportInput, ups []appeal.Upload) (*oversight.FiledReport, error) {
	res, wait := s.throttle.take(limit{reportThrottle + s.clientIP(c), maxReportsFiled})
	if res == nil {
		return nil, tooMany(c, wait, "提交过于频繁，请 %d 分钟后再试。")
	}
	out, err := oversight.FileReport(c.UserContext(), s.db, s.keys, in, ups)
	if err != nil {
		res.release()
	}
	return out, err
}

func (s *Server) apiFileReport(c *fiber.Ctx) error {
	in, ups, err := reportForm(c)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	// The answer holds the receipt code, which is shown once: a repeat is refused, not replayed.
	return s.created(c, false, func() (any, error) { return s.fileReport(c, in, ups) })
}

func (s *Server) apiTrackReport(c *fiber.Ctx) error {
	res, err := s.receiptGate(c)
	if err != nil {
		return err
	}
	r, err := oversight.FindReport(c.UserContext(), s.db, s.keys, c.Params("receipt"))
	if err = receiptDone(res, err); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

type messageRequest struct {
	Content string `json:"content"`
}

func (s *Server) apiReportMessage(c *fiber.Ctx) error {
	var text string
	var ups []appeal.Upload
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		var err error
		if ups, err = readUploads(c); err != nil {
			return err
		}
		text = c.FormValue("content")
	} else {
		var in messageRequest
		if err := decodeJSON(c, &in); err != nil {
			return err
		}
		text = in.Content
	}
	done, err := s.updateGate(c)
	if err != nil {
		return err
	}
	r, err := oversight.ReportMessage(c.UserContext(), s.db, s.keys, c.Params("receipt"), text, ups)
	if err = done(err); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(r)
}

type ratingRequest struct {
	Resolved     *bool  `json:"resolved"`
	Satisfaction string `json:"satisfaction"`
	Comment      string `json:"comment"`
}

func (s *Server) apiRateReport(c *fiber.Ctx) error {
	var in ratingRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	res, err := s.receiptGate(c)
	if err != nil {
		return err
	}
	r, err := oversight.RateReport(c.UserContext(), s.db, s.keys, c.Params("receipt"), in.Resolved, in.Satisfaction, in.Comment)
	if err = receiptDone(res, err); err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(r)
}

// reportOptions are the choices of the report form.
func (s *Server) reportOptions(c *fiber.Ctx) (fiber.Map, error) {
	cats, err := appeal.Categories(c.UserContext(), s.db)
	if err != nil {
		return nil, err
	}
	var conduct, other []appeal.Category
	for _, cat := range cats {
		if !cat.Active {
			continue
		}
		if cat.Conduct {
			conduct = append(conduct, cat)
		} else {
			other = append(other, cat)
		}
	}
	depts, err := register.ListDepartments(c.UserContext(), s.db, register.DepartmentFilter{Page: db.Page{Limit: db.MaxLimit}})
	if err != nil {
		return nil, err
	}
	return fiber.Map{"conduct_categories": conduct, "other_categories": other, "departments": depts.Items}, nil
}

func (s *Server) apiReportOptions(c *fiber.Ctx) error {
	m, err := s.reportOptions(c)
	if err != nil {
		return err
	}
	return c.JSON(m)
}

type revealRequest struct {
	Reason string `json:"reason"`
}

func (s *Server) apiRevealIdentity(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	if !a.Is(db.RoleAuditor) {
		// Nobody else may learn even that the vault holds something.
		return db.Errorf(db.ENOTFOUND, "诉求不存在。")
	}
	var in revealRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	who, err := oversight.RevealIdentity(c.UserContext(), s.db, a, id, in.Reason)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(who)
}

// logPath is the request path as logs may keep it: receipt codes never reach a log.
func logPath(c *fiber.Ctx) string {
	p := c.Path()
	const prefix = "/api/v1/public/reports/"
	if rest, ok := strings.CutPrefix(p, prefix); ok && rest != "" {
		_, tail, _ := strings.Cut(rest, "/")
		if tail != "" {
			tail = "/" + tail
		}
		return fmt.Sprintf("%s{receipt}%s", prefix, tail)
	}
	return p
}
