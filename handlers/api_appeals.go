package handlers

import (
	"io"
	"mime/multipart"
	"net/url"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

func appealFilter(c *fiber.Ctx) (appeal.Filter, error) {
	f := appeal.Filter{Stage: appeal.Stage(c.Query("stage")), Tier: appeal.Tier(c.Query("tier")), Source: appeal.Source(c.Query("source")),
		Category: c.Query("category"), Q: c.Query("q"), Sort: c.Query("sort"), Number: c.Query("number"), IDs: c.Query("ids")}
	var err error
	if f.From, f.To, err = queryPeriod(c); err != nil {
		return f, err
	}
	if raw := c.Query("page"); raw != "" {
		if f.PageNo, err = strconv.Atoi(raw); err != nil || f.PageNo < 1 {
			return f, fieldError(db.EBADREQUEST, "page", "page 须为正整数")
		}
	}
	if f.Open, err = queryBool(c, "open"); err != nil {
		return f, err
	}
	if f.Extension, err = queryBool(c, "extension"); err != nil {
		return f, err
	}
	if f.Page, err = queryPage(c); err != nil {
		return f, err
	}
	if f.Overdue, err = queryBool(c, "overdue"); err != nil {
		return f, err
	}
	for _, x := range []struct {
		name string
		dst  *int64
	}{{"department_id", &f.DepartmentID}, {"enterprise_id", &f.EnterpriseID}, {"leader_id", &f.LeaderID}} {
		if *x.dst, err = queryID(c, x.name); err != nil {
			return f, err
		}
	}
	return f, drillFilter(c, &f.DrillFilter)
}

func (s *Server) apiListAppeals(c *fiber.Ctx) error {
	f, err := appealFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	out, err := appeal.List(c.UserContext(), s.db, a, f)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) apiGetAppeal(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ap, err := appeal.Find(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	return c.JSON(ap)
}

// appealCreateBody is a new appeal; the office may name, instead of enterprise_id, a
// new enterprise to register with it (a 12345 call from a firm not in the register).
type appealCreateBody struct {
	appeal.Input
	Enterprise *register.EnterpriseInput `json:"enterprise"`
}

func (s *Server) apiCreateAppeal(c *fiber.Ctx) error {
	var in appealCreateBody
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	if in.Enterprise != nil {
		return s.created(c, true, func() (any, error) {
			return appeal.CreateWithEnterprise(c.UserContext(), s.db, a, in.Input, *in.Enterprise)
		})
	}
	return s.created(c, true, func() (any, error) { return appeal.Create(c.UserContext(), s.db, a, in.Input) })
}

// actionBody is an action; a merge names the original appeal by its SQ number in
// target (target_id, the internal id, is still accepted).
type actionBody struct {
	appeal.ActionInput
	Target string `json:"target"`
}

func (s *Server) apiAppealAction(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var body actionBody
	if err := decodeJSON(c, &body); err != nil {
		return err
	}
	a, _ := actorOf(c)
	in := body.ActionInput
	if body.Target != "" {
		if in.TargetID, err = s.appealRef(c.UserContext(), a, body.Target); err != nil {
			return err
		}
	}
	ap, err := appeal.Act(c.UserContext(), s.db, a, id, in)
	if err != nil {
		return err
	}
	return c.JSON(ap)
}

func (s *Server) apiAppealEvents(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	events, err := appeal.Events(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	if events, err = s.withReveals(c.UserContext(), a, id, events); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": events})
}

// readUploads reads the multipart files of a form, bounded by the body limit.
func readUploads(c *fiber.Ctx) ([]appeal.Upload, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, nil
	}
	form, err := c.MultipartForm()
	if err != nil {
		return nil, badRequest("无法读取上传的表单。")
	}
	var ups []appeal.Upload
	for _, fh := range form.File["file"] {
		data, err := readPart(fh)
		if err != nil {
			return nil, err
		}
		ups = append(ups, appeal.Upload{Name: fh.Filename, Data: data})
	}
	return ups, nil
}

func readPart(fh *multipart.FileHeader) ([]byte, error) {
	if fh.Size > appeal.MaxAttachmentSize {
		return nil, db.Errorf(db.ETOOLARGE, "文件“%s”超过 %d MB。", fh.Filename, appeal.MaxAttachmentSize>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, badRequest("无法读取上传的文件。")
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, appeal.MaxAttachmentSize+1))
}

func (s *Server) apiAttach(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	ups, err := readUploads(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	ap, err := appeal.Find(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	out, err := appeal.ActWithFiles(c.UserContext(), s.db, a, id, appeal.ActionInput{Action: appeal.ActAttach, Version: ap.Version, Note: c.FormValue("note")}, ups)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) apiDownload(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	at, path, err := appeal.OpenAttachment(c.UserContext(), s.db, a, id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, at.ContentType)
	// Always a download, with the name encoded (RFC 6266), so a file never renders as a page.
	c.Set(fiber.HeaderContentDisposition, "attachment; filename=\"attachment\"; filename*=UTF-8''"+url.PathEscape(at.Name))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.SendFile(path)
}

func (s *Server) apiCategories(c *fiber.Ctx) error {
	list, err := appeal.Categories(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) apiDeadlines(c *fiber.Ctx) error {
	list, err := appeal.TierDeadlines(c.UserContext(), s.db)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) apiSetDeadline(c *fiber.Ctx) error {
	var in appeal.TierDeadline
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	a, _ := actorOf(c)
	if err := appeal.SetTierDeadline(c.UserContext(), s.db, a, in); err != nil {
		return err
	}
	return s.apiDeadlines(c)
}
