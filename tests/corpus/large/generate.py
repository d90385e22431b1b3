#!/usr/bin/env python3
"""Generate the `large` corpus spec: an invented municipal-services ERP ("Civitas Suite").

Deterministic: all variation comes from random.Random(SEED). Run from anywhere:

    python3 tests/corpus/large/generate.py

It rewrites service.yaml, enums.yaml, objects.yaml, webhooks.yaml and endpoints/*.yaml beside
itself. The generated YAML is checked in; re-run and commit both when changing this script.
"""
import json
import os
import random

SEED = 20250307
HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(SEED)

# 24 groups: (key, zh, en, entity name)
GROUPS = [
    ("permits", "许可", "Building permits", "Permit"),
    ("parking", "停车", "Parking", "ParkingSession"),
    ("waste", "垃圾", "Waste collection", "WastePickup"),
    ("water", "供水", "Water metering", "WaterMeter"),
    ("energy", "能源", "Energy contracts", "EnergyContract"),
    ("library", "图书馆", "Library loans", "LibraryLoan"),
    ("schools", "学校", "School enrolment", "Enrolment"),
    ("transit", "公交", "Transit passes", "TransitPass"),
    ("taxes", "税费", "Local taxes", "TaxAssessment"),
    ("fines", "罚款", "Fines", "Fine"),
    ("housing", "住房", "Social housing", "HousingUnit"),
    ("events", "活动", "Public events", "EventBooking"),
    ("parks", "公园", "Parks and facilities", "FacilityBooking"),
    ("clinics", "诊所", "Clinic appointments", "Appointment"),
    ("licenses", "执照", "Business licences", "BusinessLicense"),
    ("pets", "宠物", "Pet registration", "PetRecord"),
    ("roads", "道路", "Road works", "RoadWork"),
    ("lighting", "照明", "Street lighting", "LightPole"),
    ("cemetery", "墓地", "Cemetery plots", "Plot"),
    ("voting", "选举", "Electoral roll", "Voter"),
    ("grants", "补助", "Grants", "Grant"),
    ("procurement", "采购", "Procurement", "Tender"),
    ("payroll", "薪资", "Staff payroll", "Payslip"),
    ("complaints", "投诉", "Complaints", "Complaint"),
]

SCALARS = ["long", "int", "string", "bool", "money", "decimal", "datetime", "date"]
NOUNS = ["amount", "fee", "deposit", "balance", "count", "code", "label", "note", "rate", "score",
         "level", "weight", "total", "reference", "starts_at", "ends_at", "valid_from", "valid_to",
         "is_active", "is_public", "owner_name", "district", "ward", "zone", "priority", "channel",
         "quota", "limit", "discount_rate", "tax_rate", "paid_at", "due_date", "opened_on", "closed_on"]
TYPE_OF = {  # a plausible type for each noun
    "amount": "money", "fee": "money", "deposit": "money", "balance": "money", "total": "money",
    "count": "int", "quota": "int", "limit": "long", "priority": "int", "level": "int",
    "code": "string", "label": "string", "note": "string", "reference": "string", "owner_name": "string",
    "district": "string", "ward": "string", "zone": "string", "channel": "string",
    "rate": "decimal", "score": "decimal", "weight": "decimal", "discount_rate": "decimal", "tax_rate": "decimal",
    "starts_at": "datetime", "ends_at": "datetime", "paid_at": "datetime",
    "valid_from": "date", "valid_to": "date", "due_date": "date", "opened_on": "date", "closed_on": "date",
    "is_active": "bool", "is_public": "bool",
}
MONEY_EXAMPLES = ["12.345678901234567890", "10.00", "0", "0.10", "1000000000000.01", "99999999999999.99", "7", "0.000001"]
DECIMAL_EXAMPLES = ["3.14159265358979323846", "21.0", "0.5", "100", "1E-7"]
LONG_EXAMPLES = ["9223372036854775807", "9007199254740993", "-9223372036854775808", "0", "42"]
INT_EXAMPLES = ["2147483647", "-2147483648", "0", "1", "365"]
STRING_EXAMPLES = ["Straße 1½", "<b>not html</b>", "C:\\\\civitas\\\\x", "[bracket] #hash", "é", ""]

SOURCES = ["documented", "observed", "modeled"]


def snake_to_camel(s):
    return "".join(p.capitalize() for p in s.split("_"))


def q(s):
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


# ------------------------------------------------------------------ model --

enums = {}     # name -> dict(repr, values: [(code, name, en)], closed)
objects = {}   # name -> list of (field, spec dict)
ENUM_NAMES = []


def make_enums():
    for i, (key, zh, en, entity) in enumerate(GROUPS):
        name = f"{entity}Status"
        string = i % 3 == 1
        states = ["draft", "submitted", "in_review", "approved", "rejected", "archived", "cancelled", "expired"]
        n = 3 + rng.randrange(len(states) - 2)
        vals = []
        for j, st in enumerate(states[:n]):
            code = st.upper().replace("_", "-") if string else (j * 10 if i % 2 else j + 1)
            vals.append((code, st, st.replace("_", " ")))
        enums[name] = dict(repr="string" if string else "int", values=vals, closed=i % 5 == 0, zh=zh + "状态", en=f"{entity} status")
        ENUM_NAMES.append(name)
        if i % 2 == 0:
            kname = f"{entity}Kind"
            kinds = ["standard", "urgent", "bulk", "online", "walk_in", "partner"]
            m = 2 + rng.randrange(4)
            kv = [((f"k{j}" if string else 100 + j), k, k.replace("_", " ")) for j, k in enumerate(kinds[:m])]
            enums[kname] = dict(repr="string" if string else "int", values=kv, closed=False, zh=zh + "类型", en=f"{entity} kind")
            ENUM_NAMES.append(kname)
    enums["Currency"] = dict(repr="string", closed=True, zh="币种", en="Currency (ISO 4217)",
                             values=[("EUR", "eur", "euro"), ("CHF", "chf", "Swiss franc"), ("SEK", "sek", "Swedish krona"), ("JPY", "jpy", "yen (no minor unit)")])
    enums["Channel"] = dict(repr="int", closed=False, zh="渠道", en="Channel",
                            values=[(1, "web", "web"), (2, "counter", "counter"), (3, "phone", "phone"), (4, "mobile_app", "mobile app")])
    ENUM_NAMES.extend(["Currency", "Channel"])


def field(ty, en, required=True, **kw):
    d = dict(type=ty, en=en, required=required)
    d.update(kw)
    return d


def make_objects():
    objects["Money"] = [("value", field("money", "amount in major units")), ("currency", field("Currency", "currency"))]
    objects["Contact"] = [
        ("name", field("string", "name")),
        ("phone", field("string", "phone", required=False, sensitive=True, redact="last4")),
        ("email", field("string", "email", required=False, sensitive=True)),
    ]
    for i, (key, zh, en, entity) in enumerate(GROUPS):
        fs = [(f"{key}_id", field("long", f"{entity} id")),
              ("reference", field("string", "human reference")),
              ("status", field(f"{entity}Status", "status"))]
        if f"{entity}Kind" in enums:
            fs.append(("kind", field(f"{entity}Kind", "kind", required=False)))
        used = {f for f, _ in fs}
        picks = rng.sample(NOUNS, 6 + rng.randrange(6))
        for n in picks:
            if n in used:
                continue
            used.add(n)
            ty = TYPE_OF[n]
            kw = {}
            r = rng.random()
            if ty in ("datetime", "string", "money") and r < 0.25:
                kw["nullable"] = True
            req = rng.random() < 0.6
            fs.append((n, field(ty, n.replace("_", " "), required=req, **kw)))
        # every scalar type at least once
        for ty in SCALARS:
            fs.append((f"x_{ty}", field(ty, f"a {ty} field", required=False)))
        fs.append(("secret_token", field("string", "secret", required=False, sensitive=True)))
        fs.append(("contact", field("Contact", "contact", required=False)))
        fs.append(("price", field("Money", "price with currency", required=False)))
        fs.append(("tags", field("[string]", "tags", required=False)))
        fs.append(("channels", field("[Channel]", "channels", required=False)))
        fs.append(("created_at", field("datetime", "created")))
        fs.append(("updated_at", field("datetime", "updated", nullable=True)))
        fs.append(("meta", field("object", "inline metadata", required=False, fields=[
            ("source_system", field("string", "origin system")),
            ("imported", field("bool", "imported", required=False)),
            ("revision", field("int", "revision", required=False)),
        ])))
        fs.append(("lines", field(f"[{entity}Line]", "lines", required=False)))
        objects[entity] = fs
        objects[f"{entity}Line"] = [
            ("line_no", field("int", "line number")),
            ("description", field("string", "description")),
            ("quantity", field("decimal", "quantity")),
            ("unit_price", field("money", "unit price")),
            ("line_total", field("money", "line total")),
            ("adjustments", field("[object]", "adjustments", required=False, fields=[
                ("reason", field("string", "reason")),
                ("delta", field("money", "delta")),
            ])),
        ]
        objects[f"{entity}Stats"] = [
            ("total_count", field("long", "count")),
            ("total_amount", field("money", "sum")),
            ("average_amount", field("decimal", "mean")),
            ("by_status", field("[object]", "per status", fields=[
                ("status", field(f"{entity}Status", "status")),
                ("count", field("long", "count")),
            ])),
            ("as_of", field("date", "as of")),
        ]


OPS = [  # (op prefix, path verb, response kind, retry, money?)
    ("create", "create", "object", "never", True),
    ("get", "get", "object", "safe", False),
    ("list", "list", "page", "safe", False),
    ("update", "update", "object", "never", False),
    ("delete", "delete", "empty", "never", False),
    ("search", "search", "array", "safe", False),
    ("approve", "approve", "object", "never", False),
    ("reject", "reject", "empty", "never", False),
    ("archive", "archive", "empty", "never", False),
    ("restore", "restore", "object", "never", False),
    ("stats", "stats", "stats", "safe", False),
    ("bulk_get", "bulkGet", "array", "safe", False),
    ("refund", "refund", "object", "never", True),
]


def snake(entity):
    out = ""
    for ch in entity:
        if ch.isupper() and out:
            out += "_"
        out += ch.lower()
    return out


def make_endpoints():
    eps = {}  # group -> list of (name, dict)
    for i, (key, zh, en, entity) in enumerate(GROUPS):
        ent = snake(entity)
        idf = f"{key}_id"
        lst = []
        for op, verb, resp, retry, money in OPS:
            name = f"{op}_{ent}" if op not in ("stats", "search", "bulk_get") else (
                f"{ent}_stats" if op == "stats" else f"{op}_{ent}s")
            d = dict(group=key, zh=f"{zh}{op}", en=f"{op.replace('_', ' ')} {entity}", path=f"/{key}/{verb}{entity}",
                     source=SOURCES[(i + len(lst)) % 3], retry=retry, request=[])
            if op == "create":
                d["request"] = [("client_ref", field("string", "client reference (idempotency key)")),
                                ("reference", field("string", "human reference")),
                                ("amount", field("money", "amount charged")),
                                ("currency", field("Currency", "currency", required=False)),
                                ("starts_on", field("date", "start date", required=False)),
                                ("contact", field("Contact", "contact", required=False)),
                                ("lines", field("[object]", "lines", required=False, fields=[
                                    ("description", field("string", "description")),
                                    ("unit_price", field("money", "unit price")),
                                    ("quantity", field("int", "quantity"))]))]
                if f"{entity}Kind" in enums:
                    d["request"].append(("kind", field(f"{entity}Kind", "kind", required=False)))
            elif op == "refund":
                d["request"] = [("refund_ref", field("string", "refund reference (idempotency key)")),
                                (idf, field("long", "id")),
                                ("amount", field("money", "refund amount")),
                                ("reason", field("string", "reason", required=False))]
            elif op == "list":
                d["request"] = [("status", field(f"{entity}Status", "filter", required=False)),
                                ("from_time", field("datetime", "from", required=False)),
                                ("to_time", field("datetime", "to", required=False))]
                d["pagination"] = "page"
            elif op == "search":
                d["request"] = [("query", field("string", "free text")),
                                ("statuses", field(f"[{entity}Status]", "any of", required=False)),
                                ("limit", field("int", "max rows", required=False))]
            elif op == "bulk_get":
                d["request"] = [(f"{key}_ids", field("[long]", "ids"))]
            elif op == "stats":
                d["request"] = [("from_date", field("date", "from")), ("to_date", field("date", "to"))]
            elif op == "update":
                d["request"] = [(idf, field("long", "id")),
                                ("note", field("string", "note", required=False)),
                                ("is_public", field("bool", "public", required=False)),
                                ("rate", field("decimal", "rate", required=False))]
            else:
                d["request"] = [(idf, field("long", "id"))]
                if op in ("reject", "archive"):
                    d["request"].append(("reason", field("string", "reason", required=op == "reject")))
            if money:
                d["moves_money"] = True
                d["idempotency_key"] = "client_ref" if op == "create" else "refund_ref"
                d["recovery"] = f"Look the record up with get_{ent} or list_{ent} before re-sending with the same {d['idempotency_key']}."
            d["response"] = {"object": entity, "page": entity, "array": entity, "empty": None,
                             "stats": f"{entity}Stats"}[resp]
            d["response_kind"] = "object" if resp == "stats" else resp
            lst.append((name, d))
        eps[key] = lst
    return eps


# ---------------------------------------------------------------- examples --

def example_value(ty, spec, depth, k):
    """JSON text for a value of type `ty` (k varies the choice)."""
    if spec and spec.get("nullable") and k % 4 == 3:
        return '""' if ty == "datetime" else "null"
    if ty.startswith("["):
        inner = ty[1:-1]
        if inner == "object":
            return "[" + example_object(spec["fields"], depth + 1, k) + "]"
        return "[" + example_value(inner, None, depth + 1, k) + ", " + example_value(inner, None, depth + 1, k + 1) + "]"
    if ty == "object":
        return example_object(spec["fields"], depth + 1, k)
    if ty == "long":
        return LONG_EXAMPLES[k % len(LONG_EXAMPLES)]
    if ty == "int":
        return INT_EXAMPLES[k % len(INT_EXAMPLES)]
    if ty == "string":
        return q(STRING_EXAMPLES[k % len(STRING_EXAMPLES)].replace("\\\\", "\\"))
    if ty == "bool":
        return "true" if k % 2 else "false"
    if ty == "money":
        return MONEY_EXAMPLES[k % len(MONEY_EXAMPLES)]
    if ty == "decimal":
        return DECIMAL_EXAMPLES[k % len(DECIMAL_EXAMPLES)]
    if ty == "datetime":
        return q(["2025-01-31 23:59:59", "2024-02-29 00:00:00", "1999-12-31 12:30:05"][k % 3])
    if ty == "date":
        return q(["2024-02-29", "2025-12-31", "1970-01-01"][k % 3])
    if ty in enums:
        vals = enums[ty]["values"]
        code = vals[k % len(vals)][0]
        return q(code) if isinstance(code, str) else str(code)
    if ty in objects:
        return example_object(objects[ty], depth + 1, k)
    raise ValueError(ty)


def example_object(fields, depth, k):
    parts = []
    for j, (n, spec) in enumerate(fields):
        if not spec["required"] and (depth > 2 or (k + j) % 3 == 0):
            continue
        if n == "lines" and depth > 1:
            continue
        parts.append(f"{q(n)}: {example_value(spec['type'], spec, depth, k + j)}")
    return "{" + ", ".join(parts) + "}"


# ------------------------------------------------------------------ output --

def field_yaml(n, spec, indent):
    pad = " " * indent
    keys = [f"type: {q(spec['type'])}"]
    if not spec["required"]:
        keys.append("required: false")
    for opt in ("nullable", "sensitive"):
        if spec.get(opt):
            keys.append(f"{opt}: true")
    if spec.get("redact"):
        keys.append(f"redact: {spec['redact']}")
    keys.append(f"zh: {q(spec['en'])}")
    keys.append(f"en: {q(spec['en'])}")
    if "fields" not in spec:
        return f"{pad}{n}: {{ {', '.join(keys)} }}\n"
    out = f"{pad}{n}:\n" + "".join(f"{pad}  {kv.replace(': ', ': ', 1)}\n" for kv in keys) + f"{pad}  fields:\n"
    for fn, fs in spec["fields"]:
        out += field_yaml(fn, fs, indent + 4)
    return out


def block(text, indent):
    pad = " " * indent
    return "|\n" + "".join(pad + line + "\n" for line in text.splitlines())


def write(path, text):
    full = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    # The editor modeline (spec/README.md, "Editor support"), relative to the file's folder.
    up = "../" * (3 + path.count("/"))
    with open(full, "w", encoding="utf-8") as f:
        f.write("# yaml-language-server: $schema=%sspec/schema.json\n" % up)
        f.write(text)


HEADER = "# GENERATED by tests/corpus/large/generate.py (seed %d); do not edit by hand.\n" % SEED


def main():
    make_enums()
    make_objects()
    eps = make_endpoints()

    svc = HEADER + """service:
  title: 城市服务套件
  title_en: Civitas Suite municipal services API
  description: |
    Invented municipal ERP with %d groups. Amounts are in major units of the `Currency` given
    beside them (EUR unless said otherwise; JPY has no minor unit).
  base_url: https://civitas.example.org
  path_prefix: "/rest/{version}"
  version: { default: "2025-03", source: documented }
  auth:
    tenant_id: { type: long, zh: 租户, en: tenant id }
    client_id: { type: string, zh: 客户端, en: client id }
    client_secret: { type: string, sensitive: true, zh: 密钥, en: client secret }
  envelope: { code: status_code, message: status_text, data: payload, success: 200, rate_limit_code: 429, source: documented }
  pagination:
    request:
      offset_page: { type: int, required: false, zh: 页, en: page (1-based) }
      per_page: { type: int, required: false, zh: 每页, en: rows per page }
    page_field: offset_page
    total_field: total_rows
    list_field: rows
    response:
      total_rows: { type: long, zh: 总数, en: total rows }
      offset_page: { type: int, zh: 页, en: page }
      per_page: { type: int, zh: 每页, en: per page }
    source: modeled
  source: documented

errors:
""" % len(GROUPS)
    errs = [(400, "bad_request"), (401, "unauthorized"), (403, "forbidden"), (404, "not_found"), (409, "conflict"),
            (422, "unprocessable"), (429, "too_many_requests"), (500, "internal"), (503, "unavailable")]
    for i, (key, zh, en, entity) in enumerate(GROUPS):
        errs.append((10000 + i * 10 + 1, f"{snake(entity)}_not_found"))
        errs.append((10000 + i * 10 + 2, f"{snake(entity)}_locked"))
    for code, name in errs:
        svc += f"  - {{ code: {code}, name: {name}, zh: {q(name)}, en: {q(name.replace('_', ' '))}, source: {SOURCES[code % 3]} }}\n"
    svc += "\ngroups:\n"
    for i, (key, zh, en, entity) in enumerate(GROUPS):
        order = f", order: {i + 1}" if i % 4 else ""
        svc += f"  {key}: {{ zh: {q(zh)}, en: {q(en)}{order} }}\n"
    write("service.yaml", svc)

    out = HEADER + "enums:\n"
    for name, e in enums.items():
        out += f"  {name}:\n    zh: {q(e['zh'])}\n    en: {q(e['en'])}\n    source: {SOURCES[len(name) % 3]}\n"
        out += f"    repr: {e['repr']}\n"
        if e["closed"]:
            out += "    closed: true\n"
        out += "    values:\n"
        for code, vn, ven in e["values"]:
            c = q(code) if isinstance(code, str) else str(code)
            out += f"      - {{ code: {c}, name: {vn}, zh: {q(ven)}, en: {q(ven)} }}\n"
    write("enums.yaml", out)

    out = HEADER + "objects:\n"
    for name, fs in objects.items():
        out += f"  {name}:\n    zh: {q(name)}\n    en: {q(name)}\n    source: {SOURCES[len(name) % 3]}\n    fields:\n"
        for n, spec in fs:
            out += field_yaml(n, spec, 6)
    write("objects.yaml", out)

    n_examples = 0
    for gi, (key, lst) in enumerate(eps.items()):
        out = HEADER + "endpoints:\n"
        for ei, (name, d) in enumerate(lst):
            out += f"  {name}:\n    group: {d['group']}\n    zh: {q(d['zh'])}\n    en: {q(d['en'])}\n"
            out += f"    path: {d['path']}\n    source: {d['source']}\n    retry: {d['retry']}\n"
            if d.get("moves_money"):
                out += f"    moves_money: true\n    idempotency_key: {d['idempotency_key']}\n    recovery: {q(d['recovery'])}\n"
            if d.get("pagination"):
                out += "    pagination: page\n"
            if d["request"]:
                out += "    request:\n"
                for n, spec in d["request"]:
                    out += field_yaml(n, spec, 6)
            rk = d["response_kind"]
            out += "    response: empty\n" if rk == "empty" else f"    response: {{ {rk}: {d['response']} }}\n"
            # examples on about a third of the endpoints
            if (gi + ei) % 3 == 0:
                k = gi + ei
                req = example_object(d["request"], 0, k)
                if rk == "empty":
                    data = "null" if k % 2 else "{}"
                elif rk == "object":
                    data = example_object(objects[d["response"]], 0, k)
                elif rk == "array":
                    data = "[" + example_object(objects[d["response"]], 1, k) + "]"
                else:
                    data = ('{"total_rows": 9007199254740993, "offset_page": 1, "per_page": 50, "rows": ['
                            + example_object(objects[d["response"]], 1, k) + "]}")
                resp = '{"status_code": 200, "status_text": "OK", "payload": ' + data + "}"
                json.loads(req)
                json.loads(resp)
                out += "    examples:\n"
                out += f"      - name: {q('generated example ' + str(k))}\n"
                out += f"        source: {SOURCES[k % 3]}\n"
                out += "        request: " + block(req, 10)
                out += "        response: " + block(resp, 10)
                n_examples += 1
        write(f"endpoints/{key}.yaml", out)

    # webhooks: 6 kinds, each re-fetched through its group's get endpoint
    out = HEADER + """webhooks:
  tag_field: event
  data_field: object
  source: modeled
  ack: { status: 204, body: '{}', source: modeled }
  kinds:
"""
    for key, zh, en, entity in GROUPS[:6]:
        ent = snake(entity)
        out += f"    {key}_changed:\n      zh: {q(zh + '变更')}\n      en: {q(en + ' changed')}\n      source: modeled\n"
        out += f"      payload: {entity}\n"
        out += f"      refetch: {{ endpoint: get_{ent}, fields: {{ {key}_id: {key}_id }} }}\n"
        out += "      events:\n"
        for st, *_ in enums[f"{entity}Status"]["values"]:
            pass
        for vn in [v[1] for v in enums[f"{entity}Status"]["values"]]:
            out += f"        - {{ tag: {key}.{vn}, name: {snake_to_camel(ent)}{snake_to_camel(vn)}, zh: {q(vn)}, en: {q(vn.replace('_', ' '))} }}\n"
        first = enums[f"{entity}Status"]["values"][0][1]
        body = '{"event": "%s.%s", "object": %s}' % (key, first, example_object(objects[entity], 0, len(key)))
        json.loads(body)
        out += "      examples:\n"
        out += f"        - name: {q(key + ' ' + first)}\n          request: " + block(body, 12)
    write("webhooks.yaml", out)

    total = sum(len(v) for v in eps.values())
    print(f"{total} endpoints, {len(GROUPS)} groups, {len(enums)} enums, {len(objects)} objects, 6 webhook kinds, {n_examples} examples")


if __name__ == "__main__":
    main()
