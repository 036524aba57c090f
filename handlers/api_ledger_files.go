package handlers

import (
	"bytes"
	"io"
	"net/url"
	"qinqing/db/sheet"
	"strings"

	"github.com/gofiber/fiber/v2"

	"qinqing/db"
)

// xlsxType is the media type of an .xlsx workbook.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendWorkbook answers with a built workbook as a download named after its ledger and today.
func (s *Server) sendWorkbook(c *fiber.Ctx, name, ascii string, buf *bytes.Buffer) error {
	file := name + "-" + strings.ReplaceAll(db.Today(s.db.Now()), "-", "") + ".xlsx"
	c.Set(fiber.HeaderContentType, xlsxType)
	c.Set(fiber.HeaderContentDisposition, "attachment; filename=\""+ascii+".xlsx\"; filename*=UTF-8''"+url.PathEscape(file))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.Send(buf.Bytes())
}

func (s *Server) apiExportEnterprises(c *fiber.Ctx) error {
	f, err := enterpriseFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	var buf bytes.Buffer
	if _, err := sheet.ExportEnterprises(c.UserContext(), s.db, a, f, &buf); err != nil {
		return err
	}
	return s.sendWorkbook(c, "企业名录", "enterprises", &buf)
}

func (s *Server) apiExportLiaisons(c *fiber.Ctx) error {
	f, err := liaisonFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	var buf bytes.Buffer
	if _, err := sheet.ExportLiaisons(c.UserContext(), s.db, a, f, &buf); err != nil {
		return err
	}
	return s.sendWorkbook(c, "包保关系", "liaisons", &buf)
}

func (s *Server) apiExportVisits(c *fiber.Ctx) error {
	f, err := visitFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	var buf bytes.Buffer
	if _, err := sheet.ExportVisits(c.UserContext(), s.db, a, f, &buf); err != nil {
		return err
	}
	return s.sendWorkbook(c, "走访记录", "visits", &buf)
}

func (s *Server) apiExportAppeals(c *fiber.Ctx) error {
	f, err := appealFilter(c)
	if err != nil {
		return err
	}
	a, _ := actorOf(c)
	var buf bytes.Buffer
	if _, err := sheet.ExportAppeals(c.UserContext(), s.db, a, f, &buf); err != nil {
		return err
	}
	return s.sendWorkbook(c, "诉求工单", "appeals", &buf)
}

// readSheetUpload reads the multipart field "file" as a ledger file, refusing one past
// the size limit before reading it.
func readSheetUpload(c *fiber.Ctx) (*sheet.Sheet, error) {
	if !strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		return nil, badRequest("请以 multipart/form-data 上传文件（字段 file）。")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return nil, fieldError(db.EINVALID, "file", "请选择要导入的 .xlsx 或 .csv 文件")
	}
	if fh.Size > sheet.MaxSheetFile {
		return nil, db.Errorf(db.ETOOLARGE, "文件超过 %d MB。", sheet.MaxSheetFile>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, badRequest("无法读取上传的文件。")
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, sheet.MaxSheetFile+1))
	if err != nil {
		return nil, badRequest("无法读取上传的文件。")
	}
	return sheet.Read(fh.Filename, data)
}

// apiImport imports one kind of ledger: 200 with what it did, or 422 listing every bad row.
func (s *Server) apiImport(kind string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		sh, err := readSheetUpload(c)
		if err != nil {
			return err
		}
		a, _ := actorOf(c)
		res, err := sheet.Import(c.UserContext(), s.db, a, kind, sh)
		if err != nil {
			return err
		}
		return c.JSON(res)
	}
}
