package ui

import _ "embed"

// reportFont is AR PL SungtiL GB (gbsn00lp.ttf from Debian's fonts-arphic-gbsn00lp), a
// 宋体 TrueType font covering GB 2312 and ASCII, under the Arphic Public License
// (fonts/ARPHICPL.txt). It is embedded so that PDF reports never depend on the fonts
// installed where the server runs.
//
//go:embed fonts/gbsn00lp.ttf
var reportFont []byte

// ReportFont returns the TrueType font that PDF reports are set in.
func ReportFont() []byte { return reportFont }
