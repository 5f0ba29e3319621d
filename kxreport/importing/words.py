"""The word lists the importer judges by, as data: the shapes of page furniture, the words
that name a level, a kind, a period or a part. Each list is written once here; the stages
(``clean``, ``frame``, ``judge``, ``outline``, ``facts``) only read them."""

from __future__ import annotations

# the endings of an organisation's name
ORG_SUFFIXES = ("科学技术协会", "科协", "委员会", "协会", "学会", "科技局", "科学技术局")

# what names a document's kind, first word wins (“2023年工作总结和2024年工作计划” is a summary)
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "plan": (
        "工作要点", "要点", "工作计划", "计划", "工作安排", "安排", "工作思路", "思路", "工作打算",
        "工作意见", "谋划", "工作重点",
    ),
    "summary": (
        "工作总结", "总结", "工作综述", "综述", "工作报告", "报告", "工作情况", "回顾", "述职",
        "工作会议", "全委会", "年会", "全体会议", "工作汇报", "汇报",
    ),
}  # fmt: skip

# parts of a summary, by the words of their heading
SECTION_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("problems", ("存在的问题", "问题", "不足", "差距")),
    ("party", ("党建", "党的建设", "从严治党", "党风廉政", "清廉机关", "政治建设")),
    ("popularization", ("科普", "科学素质", "科学普及")),
    ("think_tank", ("智库", "决策咨询", "科学决策")),
    (
        "innovation",
        (
            "创新驱动",
            "科创",
            "服务创新",
            "科技创新",
            "创新发展",
            "经技融合",
            "科技经济融合",
            "技术对接",
        ),
    ),
    ("scientists", ("科技工作者", "人才", "科学家精神")),
    ("organization", ("组织建设", "改革", "学会", "基层组织", "自身建设")),
)
NEXT_YEAR = ("工作计划", "工作打算", "工作思路", "工作要点", "下一步", "明年", "来年", "今后")
# a paragraph that looks ahead begins with these
AHEAD_STARTS = ("下一步", "新的一年", "今后", "展望", "明年", "来年", "未来")

# sentences that open with a time, a place or a person are news, not thematic headings
NEWS_OPENINGS = (
    "会上", "会议", "会中", "近日", "日前", "随后", "同时", "此外", "其中", "目前", "今年", "全年",
    "当天", "当日", "期间", "活动中", "截至", "据", "他", "她", "我们", "一年来", "下一步", "本次",
)  # fmt: skip

# --- page furniture, by shape ------------------------------------------------------------
# a label at the start of a line: “来源：”, “责任编辑：” (a colon, a space or the end follows)
FURNITURE_LABELS = (
    "来源", "稿源", "信息来源", "文章来源", "作者", "编辑", "责任编辑", "责编", "编审", "审核",
    "审校", "初审", "复审", "终审", "校对", "摄影", "图片", "记者", "通讯员", "供稿", "撰稿",
    "浏览", "浏览次数", "阅读", "阅读次数", "阅读量", "点击", "点击数", "点击量", "访问量",
    "发布时间", "发布日期", "更新时间", "更新日期", "发表时间", "上传时间", "时间", "日期",
    "发布者", "发布机构", "发布人", "字号", "字体", "打印", "关闭", "分享", "分享到", "扫一扫",
    "上一篇", "下一篇", "上一页", "下一页", "相关阅读", "相关链接", "相关文章", "相关推荐",
    "热门推荐", "推荐阅读", "附件下载", "网站地图", "当前位置", "您的位置", "您现在的位置",
    "所在位置", "您当前所在的位置", "您当前的位置", "当前所在位置", "首页", "返回", "标签", "关键词", "ID", "大小", "页数", "格式", "下载", "文档",
    "资源描述", "所属分类", "栏目", "投稿", "举报", "上传人", "文档编号", "上传时间", "文档格式",
)  # fmt: skip
# words that mark a line of up to 200 characters as furniture wherever they stand
FURNITURE_NOTICES = (
    "版权", "copyright", "©", "ICP备", "All Rights Reserved", "转载", "公网安备", "免责声明",
    "未经书面授权", "未经授权", "小编为大家", "小编整理", "小编收集", "为大家整理", "以下是小编",
    "下面是小编", "小编为你", "为您精心整理", "由会员分享", "可在线阅读", "珍藏版", "为您筛选",
    "在线客服", "欢迎您的阅读", "写作素材",
)  # fmt: skip
# words that mark a short line as furniture (one sentence at most)
FURNITURE_WORDS = (
    "复制下载",
    "下载文档", "范文网", "题库", "仅供参考", "浏览次数", "阅读次数", "点击次数", "我要投稿",
    "网友投稿", "小编为大家", "小编整理", "为您精心整理", "精心整理编辑", "希望对您有所帮助",
    "希望对大家有所帮助", "喜欢就复制", "供您阅读参考", "登录", "账号", "注册", "设为首页",
    "加入收藏", "网站地图", "旗下新闻网", "主办单位", "承办单位", "技术支持", "联系我们", "温馨提示", "VIP", "会员下载", "立即下载", "付费", "客服",
    "本文档由用户上传", "文档下载", "用户上传",
)  # fmt: skip
# shapes of whole lines (regular expressions)
FURNITURE_SHAPES = (
    r"^(?:上一篇|下一篇|打印本页|关闭窗口|返回顶部|分享到|【打印】|【关闭】|【字体|【参考】)",
    r"^(?:[【\[](?!第[^】\]]{1,4}篇)[^】\]]{1,8}[】\]]\s*)+$",  # 【打印本页】【关闭窗口】
    r"^(?:[^>》»＞]{1,12}\s*[>»＞]\s*){2,}[^>》»＞]{0,20}$",  # 首页 > 工作动态 > 正文
    r"^[>»＞]{1,2}\s*[^>»＞。，]{1,20}$",  # a breadcrumb's last step on its own line: “>> 市科协重点工作”
    r"^(?:[^|｜·•]{1,8}\s*[|｜·•]\s*){2,}[^|｜·•]{0,8}$",  # 设为首页 | 网站地图 | OA办公
    r"^[•·●▪◆■]\s*\S{1,30}$",  # • 某某报旗下新闻网
    r"^\S{2,20}(?:报社|电视台|广播电视台|融媒体中心|新闻中心|日报社)主办$",  # masthead
    r"^(?:本报|本刊|本网)(?:记者|通讯员|讯)\s*\S{0,12}$",  # 本报记者 王某
    r"^[【\[]\s*(?:www\.|https?://)[^】\]]*[】\]]",  # 【www.xxx.com--半年总结】
    r"^.{2,60}_第\s*\d+\s*页$",  # 文库 pages: “…_第3页”
    r"^(?:第\s*\d+\s*页|共\s*\d+\s*页|\d+\s*/\s*\d+\s*页?)$",
    r"^第\s*\d+\s*页\s*[/／]\s*共\s*\d+\s*页$",
    r"^点击(?:查看|阅读|下载)(?:更多|全文)",
    r"^(?:https?://|www\.)\S+$",
    r"^[|｜/·•>»\-—_]+$",  # a separator left alone by an extractor
    r"^\S{2,30}主办$",  # 吉林省科学技术协会主办
    r"^\S{2,60}\.(?:docx?|wps|pdf|pptx?|txt)$",  # a 文库 page's file name
    r"^\S{2,20}(?:网|报|日报|晚报|新闻|在线)\s*[-—–|｜]\s*\S{2,30}$",  # 某某网 - 频道
    r"^(?:字号|字体)\s*[：:]?\s*(?:大|中|小)",
    r"^(?:A|T)\s*[-+]?\s*(?:A|T)?\s*[-+]$",  # A+ A-
)
# a byline standing alone
BYLINE = (
    r"^[（(]?(?:记者|通讯员|作者|撰稿|供稿|文|图|摄影|编辑|本报记者|本网记者|融媒记者)"
    r"\s*[：:/]?\s*\S{1,12}(?:\s+\S{1,8}){0,3}[）)]?$"
)
# the dateline that opens a news paragraph: “临汾新闻网讯”, “某网8月4日讯”, “新华社北京1月5日电”
DATELINE = (
    r"^(?:[（(]?(?:[^\s，。（）()]{1,16}?(?:网|报|台|社|日报|晚报|新闻|融媒|客户端|在线)"
    r"(?:[^\s，。（）()]{0,6}?\d{1,2}月\d{1,2}日)?|本报|本网|本刊|本台)"
    r"(?:\d{1,2}月\d{1,2}日)?(?:讯|电))[）)]?"
    r"\s*(?:[（(][^）)]{0,40}[）)])?\s*[：:，]?\s*"
)
# a 范文 site's mark of one sample among several: 【第二篇】, 第2篇, 篇二, 篇2 (at a headline's
# end, at its start before a colon, or alone), 范文一/总结1 (alone)
_N = r"[一二三四五六七八九十\d]{1,3}"
SAMPLE_MARK_END = rf"\s*(?:【\s*第\s*{_N}\s*篇\s*】|[（(]?第\s*{_N}\s*篇[）)]?|篇\s*{_N})\s*$"
SAMPLE_MARK_START = rf"^\s*(?:【\s*第\s*{_N}\s*篇\s*】|第\s*{_N}\s*篇|篇\s*{_N})\s*[:：、.．]?\s*"
SAMPLE_MARK_ALONE = rf"^\s*[【\[（(]?\s*(?:第\s*{_N}\s*篇|篇\s*{_N}|(?:范文|总结|计划|材料|模板|例文|精选)\s*{_N})\s*[】\]）)]?\s*[:：]?\s*$"
# a page title made for search: several samples, 范文, 精选 … (the document's own title is not)
SEO_WORDS = (
    "范文", "精选", "大全", "模板", "范例", "参考", "优秀", "完整版", "通用", "合集", "汇编",
    "最新", "word", "doc", "文库", "下载", "推荐",
)  # fmt: skip

# a year written where a number should be: the template's year was never filled in
PLACEHOLDER_YEAR = r"(?:19|20)[xX×*＊_＿]{1,2}\s*年|[xX×]{2}\s*年|20\s*[_＿]+\s*年|200[xX×*＊]\s*年"
# a title run into its first paragraph (文库 text without line breaks)
RUN_IN_TITLE = (
    r"^(?:\d{1,2}、)?(?P<title>[^，。；：\s]{2,40}?(?:工作总结|工作要点|工作计划|工作重点|工作汇报|"
    r"工作报告|年终总结|工作思路|工作意见))(?=\s|(?:19|20)\d{2}\s*年|20[xX_＿]|[xX]{2}|一年来|今年|半年来|"
    r"[一二三四五六七八九十]、|在|为|根据|按照|我|过去)"
)

# words that end a clause before an organisation's name: the name starts after them
# (“学习武乡县科协” → 武乡县科协, “促进县科协” → the text naming itself)
NAME_BREAKERS = (
    "促进", "提高", "提升", "增强", "学习", "成立", "加强", "推进", "支持", "指导", "同时", "建设",
    "完善", "协调", "联系", "配合", "依托", "通过", "组织", "召开", "参加", "争取", "推动", "服务",
    "带领", "发挥", "围绕", "落实", "确立", "改变", "健全", "深化", "选举产生", "当选", "选为",
    "进一步", "不断", "极大", "联合", "会同", "邀请", "协助", "牵头", "主办", "承办", "举办",
    "成为", "作为", "其中", "此外", "另外", "并且", "还有", "以及", "目前", "近日", "日前",
    "了", "的",
)  # fmt: skip

# furniture that marks a 范文 or 文库 site: its dates are the site's (upload, update), never
# the document's, and its titles are made for search
TEMPLATE_SITE = (
    "范文", "文库", "小编", "网友投稿", "由会员分享", "珍藏版", "上传人", "上传时间", "文档编号",
    "下载文档", "复制下载", "资源描述", "为您精心整理", "仅供参考", "我要投稿",
)  # fmt: skip
# words that are never inside an organisation's name: a candidate with one is a clause
NOT_IN_NAME = (
    "科协", "工作", "总结", "计划", "年", "长", "到", "副", "书记", "主任", "主席", "领导", "围绕",
    "改变", "落实", "参加", "完善", "健全", "确立", "政府", "同志", "召开",
)  # fmt: skip
