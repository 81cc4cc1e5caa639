"""Words of the reports in Kyrgyz, Russian and English.

One dictionary, ``LABELS[key] = (ky, ru, en)``, plus the labels a stage keeps in
``workbench/texts/labels_<stage>.yaml`` (``key: {ky: .., ru: .., en: ..}``); :func:`label`
looks a key up and falls back to the key itself, so a missing translation shows, never fails.

Examples
--------
>>> label("urban", "ky"), label("urban", "ru"), label("urban", "en")
('шаар', 'город', 'urban')
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["LANGS", "LABELS", "label", "labels_for", "cycle_title", "text_language"]

LANGS = ("ky", "ru", "en")

LABELS: dict[str, tuple[str, str, str]] = {
    # frame roles and table headings
    "school_id": ("Мектептин коду", "Код школы", "School ID"),
    "region": ("Облус / шаар", "Область / город", "Region"),
    "locality": ("Шаар / айыл", "Город / село", "Urban / rural"),
    "language": ("Окутуу тили", "Язык обучения", "Language of instruction"),
    "school_type": ("Мектептин түрү", "Тип школы", "School type"),
    "enrolment": ("6-класстын окуучулары", "Учащиеся 6-х классов", "Grade-6 students"),
    "schools": ("Мектептер", "Школы", "Schools"),
    "students": ("Окуучулар", "Учащиеся", "Students"),
    "share_schools": ("Мектептердин үлүшү, %", "Доля школ, %", "Share of schools, %"),
    "share_students": ("Окуучулардын үлүшү, %", "Доля учащихся, %", "Share of students, %"),
    "mean_size": ("Мектептеги орточо саны", "В среднем на школу", "Mean per school"),
    "median_size": ("Медиана", "Медиана", "Median per school"),
    "check": ("Текшерүү", "Проверка", "Check"),
    "column": ("Талаа", "Поле", "Column"),
    "value": ("Мааниси", "Значение", "Value"),
    "action": ("Чечим", "Решение", "Action"),
    "total": ("Бардыгы", "Всего", "Total"),
    "count": ("Саны", "Количество", "Count"),
    "step": ("Кадам", "Шаг", "Step"),
    "yes": ("ооба", "да", "yes"),
    "no": ("жок", "нет", "no"),
    "difference": ("Айырма, п.п.", "Разница, п.п.", "Difference, points"),
    # regions
    "bishkek": ("Бишкек ш.", "г. Бишкек", "Bishkek city"),
    "osh_city": ("Ош ш.", "г. Ош", "Osh city"),
    "batken": ("Баткен облусу", "Баткенская обл.", "Batken"),
    "chui": ("Чүй облусу", "Чуйская обл.", "Chui"),
    "issyk_kul": ("Ысык-Көл облусу", "Иссык-Кульская обл.", "Issyk-Kul"),
    "jalal_abad": ("Жалал-Абад облусу", "Джалал-Абадская обл.", "Jalal-Abad"),
    "naryn": ("Нарын облусу", "Нарынская обл.", "Naryn"),
    "osh": ("Ош облусу", "Ошская обл.", "Osh oblast"),
    "talas": ("Талас облусу", "Таласская обл.", "Talas"),
    # codes
    "urban": ("шаар", "город", "urban"),
    "rural": ("айыл", "село", "rural"),
    "ky": ("кыргыз", "кыргызский", "Kyrgyz"),
    "ru": ("орус", "русский", "Russian"),
    "uz": ("өзбек", "узбекский", "Uzbek"),
    "tj": ("тажик", "таджикский", "Tajik"),
    "multi": ("көп тилдүү", "многоязычная", "multi-language"),
    "general": ("жалпы билим берүүчү", "общеобразовательная", "general"),
    "lyceum": ("гимназия / лицей", "гимназия / лицей", "gymnasium / lyceum"),
    "private": ("жеке", "частная", "private"),
    # register checks and actions
    "duplicate_record": ("Кайталанган жазуу", "Повторная запись", "Duplicate record"),
    "conflicting_id": (
        "Бир коддо ар башка жазуулар",
        "Разные записи с одним кодом",
        "Conflicting records for one ID",
    ),
    "missing_id": ("Коду жок", "Нет кода", "Missing ID"),
    "invalid_enrolment": (
        "Окуучулардын саны туура эмес",
        "Неверная численность учащихся",
        "Invalid enrolment",
    ),
    "zero_enrolment": ("6-класста окуучу жок", "Нет учащихся 6-х классов", "No grade-6 students"),
    "missing_stratum": (
        "Катмардын мааниси жок",
        "Не указан признак страты",
        "Missing stratum value",
    ),
    "kept_first": ("биринчиси калтырылды", "оставлена первая", "first kept"),
    "excluded": ("алынып салынды", "исключена", "excluded"),
    "out_of_population": (
        "изилдөөнүн калкына кирбейт",
        "вне целевой совокупности",
        "outside the target population",
    ),
    "register_records": ("Реестрдеги жазуулар", "Записи в реестре", "Register records"),
    "frame_schools": (
        "Тандоо негизиндеги мектептер",
        "Школ в основе выборки",
        "Schools in the sampling frame",
    ),
    "frame_coverage": (
        "Реестрдеги окуучуларды камтуу, %",
        "Охват учащихся реестра, %",
        "Coverage of the register's students, %",
    ),
    "coverage": ("Камтуу", "Накрытие", "Coverage"),
    # runner and index page
    "stage": ("Этап", "Этап", "Stage"),
    "status": ("Абалы", "Статус", "Status"),
    "ok": ("аткарылды", "выполнен", "done"),
    "skipped": ("өзгөргөн жок", "без изменений", "unchanged"),
    "failed": ("ката", "ошибка", "failed"),
    "not_run": ("иштетилген жок", "не запускался", "not run"),
    "headline": ("Негизги көрсөткүчтөр", "Основные показатели", "Headline figures"),
    "report": ("Отчёт", "Отчёт", "Report"),
    "finished": ("Аяктады", "Завершён", "Finished"),
    "provenance": ("Келип чыгышы (провенанс)", "Происхождение (провенанс)", "Provenance"),
    "run_id": ("Иштетүү", "Запуск", "Run"),
    "git_commit": ("Git коммит", "Git-коммит", "Git commit"),
    "parameters": ("Параметрлер", "Параметры", "Parameters"),
    "inputs": ("Киргизүү файлдары", "Входные файлы", "Input files"),
    "packages": ("Пакеттер", "Пакеты", "Packages"),
    # sample design
    "stratum": ("Катмар", "Страта", "Stratum"),
    "role": ("Ролу", "Роль", "Role"),
    "sampled_school": ("Тандалган мектеп", "Отобранная школа", "Sampled school"),
    "probability": ("Тандалуу ыктымалдуулугу", "Вероятность отбора", "Selection probability"),
    "certainty": ("Сөзсүз тандалат", "Отбирается наверняка", "Certainty"),
    "sort_order": ("Тизмедеги орду", "Порядок в списке", "Sort order"),
    "mos": ("Көлөм өлчөмү (MOS)", "Мера размера (MOS)", "Measure of size (MOS)"),
    "n": ("n", "n", "n"),
    "n_schools": ("Мектептер", "Школы", "Schools"),
    "n_classes": ("Класстар", "Классы", "Classes"),
    "n_sampled": ("Тандалган класстар", "Отобрано классов", "Classes sampled"),
    "class_probability": ("Класстын ыктымалдуулугу", "Вероятность класса", "Class probability"),
    "class_language": ("Класстын окутуу тили", "Язык обучения класса", "Class language"),
    "share": ("Үлүшү", "Доля", "Share"),
    "sampled": ("тандалган", "отобрана", "sampled"),
    "replacement_1": ("1-алмаштыруучу", "1-я замена", "1st replacement"),
    "replacement_2": ("2-алмаштыруучу", "2-я замена", "2nd replacement"),
    "reason": ("Себеби", "Причина", "Reason"),
    "small": ("өтө кичинекей мектеп", "очень малая школа", "very small school"),
    "listed": ("тизме боюнча четтетилген", "исключена по списку", "listed for exclusion"),
    "icc": ("ICC", "ICC", "ICC"),
    "class_size": ("Класстын көлөмү", "Размер класса", "Class size"),
    "deff": ("Дизайн эффекти", "Эффект плана", "Design effect"),
    "n_students": ("Окуучулар", "Учащиеся", "Students"),
    "n_eff": ("Натыйжалуу көлөм", "Эффективный объём", "Effective sample size"),
    "se": ("Стандарттык ката", "Стандартная ошибка", "Standard error"),
    "schools_needed": ("Керектүү мектептер", "Нужно школ", "Schools needed"),
    "estimator": ("Баалагыч", "Оценка", "Estimator"),
    "hajek": ("Хайек (салмактанган орточо)", "Хаек (взвешенное среднее)", "Hájek (weighted mean)"),
    "horvitz_thompson": ("Хорвиц–Томпсон", "Хорвиц–Томпсон", "Horvitz–Thompson"),
    "true_mean": ("Чыныгы орточо", "Истинное среднее", "True mean"),
    "mean_estimate": ("Баалардын орточосу", "Среднее оценок", "Mean of estimates"),
    "bias": ("Жылышуу", "Смещение", "Bias"),
    "empirical_se": ("Эмпирикалык SE", "Эмпирическая SE", "Empirical SE"),
    "mean_se": ("Бааланган SE (орточо)", "Оценённая SE (среднее)", "Mean estimated SE"),
    "se_ratio": ("SE катышы", "Отношение SE", "SE ratio"),
    "rmse": ("RMSE", "RMSE", "RMSE"),
    "coverage_mc_se": ("Монте-Карло катасы", "Ошибка Монте-Карло", "Monte Carlo error"),
    "level": ("Деңгээл", "Уровень", "Level"),
    "reps": ("Симуляциялар", "Симуляций", "Simulations"),
    "estimate": ("Баа", "Оценка", "Estimate"),
    "population": ("Калк", "Совокупность", "Population"),
    "sample": ("Тандоо", "Выборка", "Sample"),
    "source": ("Булак", "Источник", "Source"),
    "sampled_schools": ("Тандалган мектептер", "Отобрано школ", "Sampled schools"),
    "replacements": ("Алмаштыруучу мектептер", "Школы замены", "Replacement schools"),
    "certainty_schools": (
        "Сөзсүз тандалган мектептер",
        "Школы, отобранные наверняка",
        "Certainty schools",
    ),
    "sampled_classes": ("Тандалган класстар", "Отобрано классов", "Sampled classes"),
    "sampled_students": ("Тандалган окуучулар", "Учащихся в выборке", "Students in the sample"),
    "planned_se": ("Пландалган SE (орточо балл)", "Плановая SE среднего", "Planned SE of the mean"),
    "excluded_share": ("Четтетилген үлүш, %", "Доля исключённых, %", "Excluded share, %"),
    "stage_sample_design": ("Тандоонун дизайны", "Дизайн выборки", "Sample design"),
    # field data
    "kind": ("Файлдын түрү", "Вид файла", "Kind of file"),
    "file": ("Файл", "Файл", "File"),
    "row": ("Сап", "Строка", "Row"),
    "read": ("Окулду", "Прочитано", "Read"),
    "accepted": ("Кабыл алынды", "Принято", "Accepted"),
    "quarantined": ("Карантин", "Карантин", "Quarantined"),
    "rejected": ("четке кагылды", "отклонён", "rejected"),
    "message": ("Билдирүү", "Сообщение", "Message"),
    "school_tracking": ("Мектептерди каттоо формасы", "Форма учёта школ", "School tracking form"),
    "class_tracking": ("Класстарды каттоо формасы", "Форма учёта классов", "Class tracking form"),
    "student_tracking": (
        "Окуучуларды каттоо формасы",
        "Форма учёта учащихся",
        "Student tracking form",
    ),
    "booklets": ("Тест китепчелери", "Тестовые буклеты", "Test booklets"),
    "student_questionnaire": ("Окуучунун анкетасы", "Анкета учащегося", "Student questionnaire"),
    "teacher_questionnaire": ("Мугалимдин анкетасы", "Анкета учителя", "Teacher questionnaire"),
    "principal_questionnaire": (
        "Директордун анкетасы",
        "Анкета директора",
        "Principal questionnaire",
    ),
    "parent_questionnaire": ("Ата-эненин анкетасы", "Анкета родителей", "Parent questionnaire"),
    "double_coding": ("Кош коддоо", "Двойное кодирование", "Double coding"),
    "files_received": ("Алынган файлдар", "Получено файлов", "Files received"),
    "rows_read": ("Окулган саптар", "Прочитано строк", "Rows read"),
    "rows_quarantined": ("Карантиндеги саптар", "Строк в карантине", "Rows quarantined"),
    "files_rejected": ("Четке кагылган файлдар", "Отклонено файлов", "Files rejected"),
    "students_assessed": (
        "Тестке катышкан окуучулар",
        "Протестировано учащихся",
        "Students assessed",
    ),
    "identifier_findings": (
        "Жарыяланган файлдарда табылган жеке маалыматтар",
        "Найдено персональных данных в публикуемых файлах",
        "Personal data found under outputs/",
    ),
    "rate": ("Көрсөткүч", "Показатель", "Rate"),
    "weighted": ("Салмактанган, %", "Взвешенный, %", "Weighted, %"),
    "unweighted": ("Салмактанбаган, %", "Невзвешенный, %", "Unweighted, %"),
    "school_before_replacement": (
        "Мектептер, алмаштыруусуз",
        "Школы, без замены",
        "Schools, before replacement",
    ),
    "school_after_replacement": (
        "Мектептер, алмаштыруу менен",
        "Школы, с заменой",
        "Schools, after replacement",
    ),
    "class": ("Класстар", "Классы", "Classes"),
    "student": ("Окуучулар", "Учащиеся", "Students"),
    "overall_before_replacement": (
        "Жалпы, алмаштыруусуз",
        "Общий, без замены",
        "Overall, before replacement",
    ),
    "overall_after_replacement": (
        "Жалпы, алмаштыруу менен",
        "Общий, с заменой",
        "Overall, after replacement",
    ),
    "exclusion_within_school": (
        "Мектеп ичиндеги четтетүүлөр",
        "Исключения внутри школ",
        "Exclusions within schools",
    ),
    "exclusion_total": ("Бардык четтетүүлөр", "Все исключения", "Total exclusions"),
    "school_participation": (
        "Мектептердин катышуусу (салмакт.), %",
        "Участие школ (взвеш.), %",
        "School participation (weighted), %",
    ),
    "student_participation": (
        "Окуучулардын катышуусу (салмакт.), %",
        "Участие учащихся (взвеш.), %",
        "Student participation (weighted), %",
    ),
    "item_id": ("Тапшырма", "Задание", "Item"),
    "block": ("Блок", "Блок", "Block"),
    "position": ("Блоктогу орду", "Позиция в блоке", "Position in block"),
    "type": ("Түрү", "Тип", "Type"),
    "administered": ("Берилди", "Предъявлено", "Administered"),
    "omitted": ("Жооп жок, %", "Пропущено, %", "Omitted, %"),
    "not_reached": ("Жетпей калды, %", "Не достигнуто, %", "Not reached, %"),
    "MC": ("тандоо", "с выбором ответа", "multiple choice"),
    "CR": ("ачык жооп", "со свободным ответом", "constructed response"),
    "findings": ("Табылгандар", "Найдено", "Findings"),
    "location": ("Жайгашкан жери", "Место", "Location"),
    "match": ("Дал келүү", "Совпадение", "Match"),
    "stage_field_data": ("Талаа маалыматтары", "Полевые данные", "Field data"),
    # weights
    "WGTFAC1": ("Мектептин базалык салмагы", "Базовый вес школы", "School base weight"),
    "WGTADJ1": (
        "Мектептин катышпоо оңдоосу",
        "Поправка на неучастие школ",
        "School non-response adjustment",
    ),
    "WGTFAC2": ("Класстын базалык салмагы", "Базовый вес класса", "Class base weight"),
    "WGTADJ2": (
        "Класстын катышпоо оңдоосу",
        "Поправка на неучастие классов",
        "Class non-response adjustment",
    ),
    "WGTADJ3": (
        "Окуучунун катышпоо оңдоосу",
        "Поправка на неучастие учащихся",
        "Student non-response adjustment",
    ),
    "TOTWGT": ("Акыркы салмак (TOTWGT)", "Итоговый вес (TOTWGT)", "Final weight (TOTWGT)"),
    "sum_weights": ("Салмактардын суммасы", "Сумма весов", "Sum of weights"),
    "frame_students": ("Реестрдеги окуучулар", "Учащихся в реестре", "Students in the frame"),
    "ratio": ("Катышы", "Отношение", "Ratio"),
    "min": ("Мин.", "Мин.", "Min"),
    "median": ("Медиана", "Медиана", "Median"),
    "max": ("Макс.", "Макс.", "Max"),
    "cv": ("Вариация коэффициенти", "Коэффициент вариации", "Coefficient of variation"),
    "weighting_effect": ("Салмактоо эффекти", "Эффект взвешивания", "Weighting effect"),
    "jk_unit": ("Жуп түрү", "Тип пары", "Unit"),
    "pair": ("жуп", "пара", "pair"),
    "across": ("катмарлар аралык жуп", "пара между стратами", "pair across strata"),
    "odd": ("бөлүнгөн мектеп", "разделённая школа", "split school"),
    "zones": ("Зоналар", "Зоны", "Zones"),
    "students_weighted": ("Салмагы бар окуучулар", "Учащихся с весами", "Students weighted"),
    "weighted_population": (
        "Салмактар боюнча калк",
        "Совокупность по весам",
        "Population by the weights",
    ),
    "jk_zones_n": ("Джекнайф зоналары", "Зоны джекнайфа", "Jackknife zones"),
    "category": ("Категория", "Категория", "Category"),
    "variable": ("Өзгөрмө", "Переменная", "Variable"),
    "stage_weights": (
        "Салмактар жана джекнайф репликалары",
        "Веса и реплики джекнайфа",
        "Weights and jackknife replicates",
    ),
    # words of the cycle's codebooks (scaling, results, release)
    "missing_answer": ("жооп жок", "нет ответа", "no answer"),
    "report_language": ("Баяндаманын тили", "Язык отчёта", "Report language"),
    "unlabelled_variables": (
        "Аты жок өзгөрмөлөр (коду көрсөтүлөт)",
        "Переменные без названия (показан код)",
        "Variables without a label (code shown)",
    ),
    "unlabelled_values": (
        "Маанилеринин аты жок өзгөрмөлөр",
        "Переменные без названий значений",
        "Variables without value labels",
    ),
    "unlabelled_caption": (
        "Коддук китепте бул тилде аты жок өзгөрмөлөр",
        "Переменные, которым кодовая книга не дала названия на этом языке",
        "Variables the codebooks give no label in this language",
    ),
    # language names (each in its own language on the language switch)
    "ky_name": ("кыргызча", "кыргызский", "Kyrgyz"),
    "ru_name": ("орусча", "русский", "Russian"),
    "en_name": ("англисче", "английский", "English"),
    # stage titles
    "stage_frame": (
        "Тандоо негизин (реестрди) карап чыгуу",
        "Обзор основы выборки (реестра)",
        "Sampling frame review",
    ),
}


def _extra_labels(folder: Path, defined: dict) -> dict[str, tuple[str, str, str]]:
    """Labels a stage keeps beside its texts: ``<folder>/labels_<stage>.yaml``. A key is
    defined once (every page shares one table of labels: a second definition would silently
    change the words of the first one's pages); a key already in ``defined`` or in an
    earlier file is an error naming both places."""
    import yaml

    found: dict[str, tuple[str, str, str]] = {}
    where = dict.fromkeys(defined, "workbench/labels.py")
    for path in sorted(folder.glob("labels_*.yaml")):
        for key, words in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if str(key) in where:
                raise ValueError(
                    f"{path.name}: label {key!r} is already defined in {where[str(key)]}; "
                    "a key has one meaning on every page: rename one of them"
                )
            where[str(key)] = path.name
            found[str(key)] = tuple(words[lang] for lang in LANGS)
    return found


LABELS.update(_extra_labels(Path(__file__).parent / "texts", LABELS))


_KYRGYZ_LETTERS = frozenset("өүңӨҮҢ")


def text_language(words: object, cycle_language: str = "ru") -> tuple[str, ...]:
    """The languages a codebook's text is written in, told by its letters: Latin letters only
    is English; Cyrillic with a Kyrgyz letter (ө, ү, ң) is Kyrgyz; other Cyrillic is the
    cycle's language when that is Kyrgyz or Russian, else Russian; no letters at all (``0–10``)
    reads the same in every language.

    Examples
    --------
    >>> text_language("Есть компьютер", "ky"), text_language("Үйдө компьютер бар", "ru")
    (('ky',), ('ky',))
    >>> text_language("Есть компьютер", "en"), text_language("girl"), text_language("0–10")
    (('ru',), ('en',), ('ky', 'ru', 'en'))
    """
    text_ = str(words)
    cyrillic = any("\u0400" <= c <= "\u04ff" for c in text_)
    if cyrillic:
        if _KYRGYZ_LETTERS & set(text_):
            return ("ky",)
        return (cycle_language,) if cycle_language in ("ky", "ru") else ("ru",)
    if any(c.isalpha() for c in text_):
        return ("en",)
    return LANGS


def label(key: object, lang: str) -> str:
    """The label of ``key`` in ``lang`` (``ky``, ``ru`` or ``en``), else ``str(key)``."""
    if lang not in LANGS:
        raise ValueError(f"label: unknown language {lang!r}; use one of {', '.join(LANGS)}")
    entry = LABELS.get(str(key))
    return entry[LANGS.index(lang)] if entry else str(key)


def labels_for(keys, lang: str) -> dict:
    """A mapping ``key -> label`` for ``DataFrame.rename`` or ``Series.map``."""
    return {key: label(key, lang) for key in keys}


def cycle_title(params, lang: str) -> str:
    """The cycle's title in ``lang``: ``title:`` may be one text or ``{ky: .., ru: .., en: ..}``;
    a language it does not give shows the cycle's language's title, else the cycle id.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(title={"ky": "Сабат-6", "ru": "Сабат-6 (рус.)"}, cycle="c",
    ...                     language="ky")
    >>> cycle_title(p, "ru"), cycle_title(p, "en")
    ('Сабат-6 (рус.)', 'Сабат-6')
    """
    given = params.title
    if isinstance(given, dict):
        return (
            given.get(lang)
            or given.get(getattr(params, "language", ""))
            or next(iter(given.values()), "")
            or params.cycle
        )
    return given or params.cycle
