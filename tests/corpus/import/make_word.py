"""Make the Word files of the import corpus from real texts, laid out as office staff do.

    python tests/corpus/import/make_word.py            # writes NAME.docx next to this script
    python tests/corpus/import/make_word.py OUTDIR     # or into OUTDIR

Each document's text is the stored text of a real page (the address is on each
document below and in NAME.truth.yaml); the store had turned full-width punctuation
into ASCII, which is turned back here (a document typed in Word has full-width ， ： （ ）).
What each file tests:

  city-2020-kejiworkersday-word-typed   typed numbering: "一、" / "1." typed into ordinary body paragraphs
  cast-2020-kepu-points-word-autonum    automatic numbering: numbering.xml + w:numPr, "一、"/"1." not in the text
  daying-2020-report-word-table         indicator table 序号|指标|数值 whose values are NOT in the text
  zhengxiang-2020-laokexie-word-table   indicator table 序号|项目|单位|完成数 whose values ALSO are in the text
  wuxi-2021-plan-word-annex             signature + date, page break, 附件 page with a table

The output is deterministic: fixed document properties and fixed zip timestamps.
The truth files (NAME.truth.yaml) are written by a person, not by this script.
"""

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEI = "黑体"
KAI = "楷体_GB2312"
ZIP_TIME = (2021, 6, 1, 9, 0, 0)

_FULL = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？"})


def fw(text):
    """Full-width punctuation, as typed in a Chinese Word document."""
    return text.translate(_FULL)


# ---------------------------------------------------------------- layout helpers


def _fonts(run, east_asia, size=None, bold=None):
    run.font.name = "Times New Roman"
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), east_asia)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold


def new_document(author):
    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(16)  # 三号
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), BODY_FONT)
    pf = normal.paragraph_format
    pf.line_spacing = Pt(28)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    cp = doc.core_properties
    cp.author = author
    cp.last_modified_by = author
    cp.created = datetime(2021, 6, 1, 9, 0, 0)
    cp.modified = datetime(2021, 6, 1, 9, 0, 0)
    cp.last_printed = datetime(2021, 6, 1, 9, 0, 0)
    cp.revision = 1
    cp.title = ""
    cp.subject = ""
    cp.keywords = ""
    cp.comments = ""
    return doc


def _first_line_indent(par, chars=2):
    ppr = par._element.get_or_add_pPr()
    ind = parse_xml(
        f'<w:ind {nsdecls("w")} w:firstLineChars="{chars * 100}" w:firstLine="{chars * 320}"/>'
    )
    old = ppr.find(qn("w:ind"))
    if old is not None:
        ppr.remove(old)
    ppr.append(ind)


def title(doc, text, size=22):
    par = doc.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    par.paragraph_format.line_spacing = Pt(36)
    _fonts(par.add_run(text), TITLE_FONT, size)
    return par


def subtitle(doc, text):
    par = doc.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(par.add_run(text), KAI, 16)
    return par


def blank(doc):
    return doc.add_paragraph()


def body(doc, text, lead=None, lead_font=KAI):
    """A body paragraph (Normal style, first line indented 2 characters).

    lead: a run-in heading typed at the start of the paragraph in bold (no separate paragraph).
    """
    par = doc.add_paragraph()
    _first_line_indent(par)
    if lead:
        _fonts(par.add_run(lead), lead_font, bold=True)
    _fonts(par.add_run(text), BODY_FONT)
    return par


def typed_heading(doc, text, font=HEI):
    """A heading typed by hand ("一、…") in an ordinary body paragraph; only the font differs."""
    par = doc.add_paragraph()
    _first_line_indent(par)
    _fonts(par.add_run(text), font)
    return par


def signature(doc, org, date):
    blank(doc)
    for text in (org, date):
        par = doc.add_paragraph()
        par.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        par.paragraph_format.right_indent = Cm(1.2)
        _fonts(par.add_run(text), BODY_FONT)


def page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def caption(doc, text):
    par = doc.add_paragraph()
    par.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(par.add_run(text), HEI, 16)
    return par


def table(doc, rows, widths=None):
    tbl = doc.add_table(rows=len(rows), cols=len(rows[0]))
    tbl.style = doc.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = tbl.cell(r, c)
            par = cell.paragraphs[0]
            par.alignment = WD_ALIGN_PARAGRAPH.CENTER
            par.paragraph_format.line_spacing = Pt(22)
            _fonts(par.add_run(value), HEI if r == 0 else BODY_FONT, 14)
            if widths:
                cell.width = Cm(widths[c])
    return tbl


# ---------------------------------------------------------------- automatic numbering

ABSTRACT_ID = 20
NUM_ID = 20


def add_chinese_numbering(doc):
    """Add a two-level list to numbering.xml: level 0 "一、" (chineseCounting), level 1 "1." (decimal)."""
    numbering = doc.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_ID}">'
        '<w:nsid w:val="5A3C2E10"/>'
        '<w:multiLevelType w:val="multilevel"/>'
        '<w:tmpl w:val="2D1E4B6A"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/>'
        '<w:lvlText w:val="%1、"/><w:lvlJc w:val="left"/><w:suff w:val="nothing"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr>'
        f'<w:rPr><w:rFonts w:eastAsia="{HEI}"/></w:rPr></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/>'
        '<w:lvlText w:val="%2."/><w:lvlJc w:val="left"/><w:suff w:val="nothing"/>'
        '<w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr></w:lvl>'
        "</w:abstractNum>"
    )
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    numbering.append(
        parse_xml(
            f'<w:num {nsdecls("w")} w:numId="{NUM_ID}"><w:abstractNumId w:val="{ABSTRACT_ID}"/></w:num>'
        )
    )


def list_paragraph(doc, text, level, lead=None):
    """A paragraph numbered by Word (w:numPr); the number is not part of the text."""
    par = doc.add_paragraph(style="List Paragraph")
    ppr = par._element.get_or_add_pPr()
    ppr.append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/><w:numId w:val="{NUM_ID}"/></w:numPr>'
        )
    )
    ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:left="0" w:firstLine="640"/>'))
    if lead:
        _fonts(par.add_run(lead), KAI, bold=True)
    _fonts(par.add_run(text), HEI if level == 0 else BODY_FONT)
    return par


# ---------------------------------------------------------------- the documents


def city_2020_kejiworkersday_word_typed():
    """Typed numbering. Text: https://qiudj.com/gongzuojihua12/7057.html (stored opening, cut at the
    last full sentence); signature and date added as a Word document has them (the 范文 site had
    dropped the city name everywhere, so the signature has none either)."""
    doc = new_document("Administrator")
    title(doc, "2020年“全国科技工作者日”活动总结")
    blank(doc)
    body(
        doc,
        fw(
            "为深入学习贯彻习近平新时代中国特色社会主义思想,团结引领广大科技工作者不忘初心、牢记使命,为疫情防控和经济社会发展、决胜全面建成小康社会做出新的更大贡献,按照省科协要求,于5月下旬至6月上旬,在全市范围内积极组织开展以“科技为民、奋斗有我”为主题的系列科普宣传活动,以实际行动增强科技工作者自豪感、获得感、认同感,打造节日品牌。现将活动情况总结如下:"
        ),
    )
    typed_heading(doc, fw("一、高度重视,精心组织,统筹安排"))
    body(
        doc,
        fw(
            "市科协对全国科技工作者日活动开展高度重视,精心组织,认真谋划,在充分征求科技工作者的意见建议基础上,召开专题会议研究,与科技局联合下发了《2020年“全国科技工作者日”活动实施方案》。同时密切跟踪疫情防控进展,准确把握疫情防控阶段性变化,提前做出活动预案,细化职责分工,确保工作到位、责任到人。"
        ),
    )
    typed_heading(doc, fw("二、发挥优势,加强宣传,营造氛围"))
    body(
        doc,
        fw(
            "充分利用报纸、广播、电视、微信、微博、新媒体等多种方式开展全方位、多角度的宣传推介,提升公众知晓度,营造浓厚的节日氛围。在5月30日前后在日报刊登了代表性科技工作者典型事迹,展现市科协服务科技工作者成长成才推动科技工作者作用发挥的工作情况及成效。"
        ),
    )
    typed_heading(doc, fw("三、精心策划,认真组织,开展系列活动"))
    body(
        doc,
        fw(
            "1.党政主要领导联名发出《致广大科技工作者的一封信》。5月30日,市委书记、市长联名在日报刊登《致全市广大科技工作者的慰问信》,向奋战在全市各行各业的广大科技工作者致以节日的祝贺和亲切的慰问!"
        ),
    )
    signature(doc, "市科学技术协会", "2020年6月12日")
    return doc


def cast_2020_kepu_points_word_autonum():
    """Automatic numbering. Text: http://www.bsc.org.cn/news/590.html (the 要点 the notice
    attaches, stored opening); signature and date are the notice's own (中国科协科学技术普及部,
    2020年3月12日)."""
    doc = new_document("kepubu")
    add_chinese_numbering(doc)
    title(doc, "中国科协2020年科普工作要点")
    blank(doc)
    body(
        doc,
        fw(
            "2020年,中国科协科普工作将以习近平新时代中国特色社会主义思想为指导,全面贯彻党的十九大和十九届二中、三中、四中全会精神,增强“四个意识”、坚定“四个自信”、做到“两个维护”,围绕决胜全面小康、决战脱贫攻坚,紧扣中国科协“合作发展年”主题,扎实推进中央巡视反馈问题整改,积极服务党和国家工作大局,深化科技为民服务,加强应急科普体系建设,不断提升科协组织动员力,打造普惠创新、全面动员、全民参与的社会化大科普格局。"
        ),
    )
    list_paragraph(
        doc, fw("以新冠肺炎疫情防控科普工作为契机,加强科协系统“一体两翼”科普服务联动"), 0
    )
    list_paragraph(
        doc,
        fw(
            "围绕服务新型冠状病毒疫情防控和助力复工复产促进经济社会发展,动员地方科协、全国学会,发挥科技工作者专业优势,用好科技馆体系,动员广大基层“三长”、科普信息员、科技志愿者和社会各方力量,积极主动配合有关部门和地方加强疫情防控,丰富科普资源,加强精准传播,持续开展应急科普宣传。"
        ),
        1,
        lead="持续做好应急科普宣传服务。",
    )
    signature(doc, "中国科协科学技术普及部", "2020年3月12日")
    return doc


def daying_2020_report_word_table():
    """Indicator table whose values are NOT in the text (the table and its values are the maker's,
    invented). Text: http://dykzj.com/h-nd-1207.html?fromColId=2 (stored opening, cut at the last
    full sentence; the run-in headings are bold runs, the missing stops kept as stored).
    Signature and date added."""
    doc = new_document("dykx")
    title(doc, "围绕中心 担当作为 为开启全面建设社会主义现代化大英新征程而努力奋斗")
    subtitle(doc, "——大英县科协五届二次全委会工作报告")
    blank(doc)
    typed_heading(doc, "2020年工作回顾")
    body(
        doc,
        fw(
            "2020年,科协坚定以习近平新时代中国特色社会主义思想为指导全面贯彻落实党的十九届五中全会精神和省、市、县全会部署要求牢牢把握科协组织“四服务”职责定位,团结凝聚全县广大科技工作者,开拓进取,奋发有为先后获得中国流动科技馆巡展“优秀执行单位”、全省青少年科技创新大赛“基层优秀组织”、全市届农村乡土人才创新大赛“优秀组织单位”。组织实施省天府科技云服务工作成效显著,截止12月20日,我县天府科技云服务精准绩效管理指标综合评分位列全省183个县(区)中第13位"
        ),
    )
    body(doc, fw("一年来,我们切实抓好对科技工作者思想引领,推动县政府重大决策部署落地落实。"))
    body(
        doc,
        fw(
            "新冠肺炎疫情发生后,科协第一时间发出《致全科技工作者的倡议书》,号召全科技工作者积极投身疫情防控主战场迅速部署启动应急科普工作,通过科普e站、官方网站微信公众号线上线下平台,发布权威防疫科普信息6000余条设立疫情防控科普宣传点2个,组建疫情防控党员干部服务队干部职工先后深入社区联防联控一线开展志愿服务30余人次组织动员全各级协会、企业科协发扬优势和特长支持疫情防控工作,千方百计为协会成员推销滞留农产品,为打赢疫情防控阻击战贡献了科协力量"
        ),
        lead="凝心聚力抗击新冠疫情",
    )
    body(
        doc,
        fw(
            "按照全县统一要求,深入金元峦苍柏村、龙塘湾村开展驻村帮扶以购助扶工作,分别支持两个帮扶村工作经费2万元,全年组织干部以购助扶购买农副产品6500余元,协助联系的贫困村和非贫困村顺利通过省级普查。"
        ),
        lead="汇聚资源助力脱贫攻坚。",
    )
    blank(doc)
    caption(doc, "大英县科协2020年主要工作指标完成情况")
    table(
        doc,
        [
            ["序号", "指标", "数值"],
            ["1", "开展各类科普活动", "126场"],
            ["2", "科普活动受益群众", "4.3万人次"],
            ["3", "发放科普宣传资料", "2.8万份"],
            ["4", "举办农村实用技术培训", "35期"],
            ["5", "新发展天府科技云注册用户", "1.2万人"],
        ],
        widths=[2, 9, 4],
    )
    signature(doc, "大英县科学技术协会", "2021年1月15日")
    return doc


def zhengxiang_2020_laokexie_word_table():
    """Indicator table whose values ALSO are in the text. Text:
    http://www.hyzhibao.com/2020/1117/7882.html (stored opening, cut at the last full sentence;
    the store's "715日" restored to "7月15日"); the date is the one printed under the stored
    title (stored as "20201120"), here put under the signature."""
    doc = new_document("Administrator")
    title(doc, "衡阳市蒸湘区老科协2020年工作总结")
    blank(doc)
    body(
        doc,
        fw(
            "牢记使命 不忘初心是全国人民的工作指针,也是我区老科协工作的方向,我们在以习近平新时代中国特色社会主义思想指导下,在市老科协和区委、区政府的领导下,紧紧围绕以科技为龙头,用科技咨询为武器,发挥基层科技服务为民的作风。大力开展科学普及活动,服务三农,围绕政府中心工作发挥老科技工作者的优势,起好联系作用,纽带作用,桥梁作用。"
        ),
    )
    typed_heading(doc, "2020年工作回顾")
    typed_heading(doc, fw("一、开展组织建设,加强政治思想学习。"))
    body(
        doc,
        fw(
            "我区老科协年初安排,要以习近平总书记系列重要讲话精神武装全党,不忘初心,牢记使命,永葆政治本色。"
        ),
    )
    body(
        doc,
        fw(
            "一是学习动员。我们将每月第一个星期的星期五规定为时事政治学习时间,组织大家学习中央文件,国家的各项政策,认清国际形势,保持高度政治敏感性,为自己身边的人起好带头作用,做老年人的表率,今年共学习11次,写出学习心得70篇。"
        ),
    )
    body(
        doc,
        fw(
            "二是落实组织建设要求,发挥乡镇街道老科协分会的作用。我们重新组建了局,街道乡镇分会的班子,增添了部分新鲜力量,按年龄、能力要求进行了分工。区老科协今年还新增了一名付秘书长,使协会工作如虎添翼。"
        ),
    )
    body(
        doc,
        fw(
            "三是开展科技培训、示范活动。助力振兴乡村,发展地方产业。今年7月15日我们根据呆鹰岭镇土桥村的实际与村、镇共同兴办第三届翠冠梨水果采摘节,通过新闻宣传,组织2千余人入村,采取自摘水果,免费尝新的形式。当天销售翠冠梨2万余斤。为农民增加收入10多万元。当场发放科普宣传资料500余份。上科技培训课2场。开展科技咨询150人次。现场技术指导120人。"
        ),
    )
    blank(doc)
    caption(doc, "2020年主要工作完成情况统计")
    table(
        doc,
        [
            ["序号", "项目", "单位", "完成数"],
            ["1", "时事政治学习", "次", "11"],
            ["2", "撰写学习心得", "篇", "70"],
            ["3", "采摘节组织群众入村", "人", "2千余"],
            ["4", "当天销售翠冠梨", "斤", "2万余"],
            ["5", "为农民增加收入", "元", "10多万"],
            ["6", "发放科普宣传资料", "份", "500余"],
            ["7", "科技培训课", "场", "2"],
            ["8", "科技咨询", "人次", "150"],
            ["9", "现场技术指导", "人", "120"],
        ],
        widths=[1.6, 7, 2, 3],
    )
    signature(doc, "衡阳市蒸湘区老科学技术工作者协会", "2020年11月20日")
    return doc


def wuxi_2021_plan_word_annex():
    """Signature and date, then a page break and a 附件 page with a table (its values are the
    text's own targets). Text: https://tlpsr.wuxi.gov.cn/doc/2022/03/15/3619838.shtml (stored
    opening, cut at the last full sentence). Signature and date added."""
    doc = new_document("wxkx")
    title(doc, "无锡市科协2021年工作意见")
    blank(doc)
    body(
        doc,
        fw(
            "2021年是实施“十四五”规划、开启全面建设社会主义现代化国家新征程的第一年,也是贯彻落实省科协第十次代表大会精神的开局之年。市科协将在市委、市政府和上级科协的正确领导下,围绕中心,服务大局,深化改革,扎实工作,努力开创工作新局面,以优异成绩庆祝建党100周年。"
        ),
    )
    typed_heading(doc, "一、指导思想")
    body(
        doc,
        fw(
            "以习近平新时代中国特色社会主义思想为指导,深入贯彻党的十九大和十九届二中、三中、四中、五中全会精神,不断增强“四个意识”,坚定“四个自信”,做到“两个维护”,认真贯彻市委十三届十一次全会和省科协“十大”部署要求,紧扣“四服务”职责定位,着力加强对科技工作者的政治引领,深化科协系统改革发展,构建联系广泛、服务群众的组织体系,提升科技类社会化公共产品服务水平,把科协组织建设成为有温度的科技工作者之家,为无锡勇做全省“争当表率、争做示范、走在前列”排头兵,勇创全省“强富美高”建设示范区,勇当全省高质量发展领跑者作出积极贡献。"
        ),
    )
    typed_heading(doc, "二、工作目标")
    body(
        doc,
        fw(
            "扎实推进“科创中国”试点城市建设,助力太湖湾科创带建设,推动国家(省)级学会创新资源向无锡集聚,举办3-5场高层次学术活动。科学谋划《无锡市2021-2025年全民科学素质行动计划纲要实施方案》,建成省科技创新综合实践示范学校2所以上、市青少年科技教育示范学校13个、科普示范家庭100个。推进全域科普旅游平台载体建设,创建省市科普教育基地20个以上,完成市科技馆新馆前期调研和启动规划筹备工作。办好高端国际学术交流论坛和引才引智活动等3场以上,开展“海智沙龙”活动3场以上。"
        ),
    )
    signature(doc, "无锡市科学技术协会", "2021年2月26日")
    page_break(doc)
    par = doc.add_paragraph()
    _fonts(par.add_run("附件"), HEI, 16)
    blank(doc)
    title(doc, "无锡市科协2021年主要工作目标", size=18)
    blank(doc)
    table(
        doc,
        [
            ["序号", "工作目标", "单位", "目标数"],
            ["1", "举办高层次学术活动", "场", "3-5"],
            ["2", "建成省科技创新综合实践示范学校", "所", "2"],
            ["3", "建成市青少年科技教育示范学校", "个", "13"],
            ["4", "建成科普示范家庭", "个", "100"],
            ["5", "创建省市科普教育基地", "个", "20"],
            ["6", "办好高端国际学术交流论坛和引才引智活动", "场", "3"],
            ["7", "开展“海智沙龙”活动", "场", "3"],
        ],
        widths=[1.6, 9, 2, 2.4],
    )
    return doc


DOCUMENTS = {
    "city-2020-kejiworkersday-word-typed": city_2020_kejiworkersday_word_typed,
    "cast-2020-kepu-points-word-autonum": cast_2020_kepu_points_word_autonum,
    "daying-2020-report-word-table": daying_2020_report_word_table,
    "zhengxiang-2020-laokexie-word-table": zhengxiang_2020_laokexie_word_table,
    "wuxi-2021-plan-word-annex": wuxi_2021_plan_word_annex,
}


def deterministic_bytes(doc):
    """Save, then rewrite the zip with fixed timestamps so the same script gives the same bytes."""
    raw = io.BytesIO()
    doc.save(raw)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(raw.getvalue())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def main(argv):
    outdir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    outdir.mkdir(parents=True, exist_ok=True)
    for name, make in DOCUMENTS.items():
        path = outdir / f"{name}.docx"
        path.write_bytes(deterministic_bytes(make()))
        print(path)


if __name__ == "__main__":
    main(sys.argv)
