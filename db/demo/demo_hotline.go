package demo

import (
	"context"
	"fmt"
	"qinqing/db"
	"qinqing/db/appeal"
	"qinqing/db/register"
	"time"
)

// BuildHotline connects the demo city's 12345 hotline: a service key for the hotline
// platform (and an old one, revoked), through which the platform files a few tickets —
// one about a firm the register lacks, registered for review, and one the hotline wants
// done sooner than our own deadline. It answers how many appeals the tickets made.
func BuildHotline(ctx context.Context, d *db.DB) (int, error) {
	old, err := register.CreateKey(ctx, d, db.SystemActor, register.KeyInput{Name: "旧 12345 热线接口（已停用）", Scopes: []string{"hotline"}})
	if err != nil {
		return 0, err
	}
	if _, err := register.RevokeKey(ctx, d, db.SystemActor, old.ID); err != nil {
		return 0, err
	}
	k, err := register.CreateKey(ctx, d, db.SystemActor, register.KeyInput{Name: "12345 政务服务便民热线平台", Scopes: []string{"hotline"}})
	if err != nil {
		return 0, err
	}
	platform, ok, err := register.KeyActor(ctx, d, k.Secret)
	if err != nil || !ok {
		return 0, fmt.Errorf("demo: hotline key: %v", err)
	}
	var codes []string
	if err := func() error {
		rows, err := d.R(ctx).Query("SELECT credit_code FROM enterprises ORDER BY id LIMIT 2")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return err
			}
			codes = append(codes, c)
		}
		return rows.Err()
	}(); err != nil || len(codes) < 2 {
		return 0, fmt.Errorf("demo: hotline enterprises: %v", err)
	}
	now := d.Now()
	at := func(h time.Duration) string { return now.Add(h).In(db.Zone).Format(time.RFC3339) }
	n := 0
	for _, tk := range []appeal.Ticket{
		{TicketNo: "12345-" + now.Format("20060102") + "-0031", ReceivedAt: at(-2 * time.Hour), Title: "企业反映厂区周边路灯长期不亮",
			Content: "来电企业反映厂区门前道路路灯两个月未修复，夜班员工出行不安全。", Category: "其他", CreditCode: codes[0],
			CallerName: "王先生", CallerPhone: "13904270031", DueAt: at(5 * 24 * time.Hour)},
		{TicketNo: "12345-" + now.Format("20060102") + "-0047", ReceivedAt: at(-time.Hour), Title: "企业反映施工许可审批材料反复补正",
			Content: "来电企业反映施工许可审批要求三次补正材料，每次提出新的要求，影响项目开工。", Category: "审批服务", CreditCode: codes[1],
			CallerName: "李女士", CallerPhone: "13904270047", DueAt: at(20 * time.Hour)},
		{TicketNo: "12345-" + now.Format("20060102") + "-0052", ReceivedAt: at(-30 * time.Minute), Title: "新落户企业反映用水报装无人受理",
			Content: "来电企业为新落户企业，反映厂房用水报装申请提交两周无人受理，影响设备调试。", Category: "要素保障-用水",
			CreditCode: "91211100MA0Q7H3L2L", EnterpriseName: "盘锦新港精细化工有限公司", CallerName: "赵经理", CallerPhone: "13904270052",
			DueAt: at(3 * 24 * time.Hour)},
	} {
		if _, created, err := appeal.FileTicket(ctx, d, platform, tk); err != nil {
			return n, fmt.Errorf("demo: ticket %s: %w", tk.TicketNo, err)
		} else if created {
			n++
		}
	}
	return n, nil
}
