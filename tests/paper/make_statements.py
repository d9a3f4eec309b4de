#!/usr/bin/env python3
# Writes the fixture statements of tests/paper/documents.sh into tests/data/statements/ (the
# JSON of GET /api/v1/exams/{id}/statement, docs/grading.md): a written exam of 40 students
# (not admitted, expelled, absent, second tickets, a correction, long and Kazakh names), an
# attempt-3 commission exam, a zachet, and a graded test with two appeals. Deterministic;
# run it again after changing it and check the files in.
import json, random
random.seed(7)
import os
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "statements") + "/"
surn = ["Абрамов","Белова","Васильев","Григорьева","Дмитриев","Егорова","Жуков","Зайцева","Иванов","Козлова",
        "Лебедев","Морозова","Новиков","Орлова","Павлов","Романова","Семёнов","Тарасова","Ульянов","Фёдорова",
        "Харитонов","Цветкова","Чернов","Шубина","Щербаков","Юдина","Яковлев","Ахметов","Сапарова","Нурланов",
        "Ким","Ли","Поляков","Соколова","Медведев","Кузнецова"]
first = ["Артём Сергеевич","Анна Игоревна","Борис Петрович","Вера Андреевна","Глеб Олегович","Дарья Павловна",
         "Евгений Ильич","Жанна Маратовна","Игорь Николаевич","Ксения Юрьевна"]
tickets = {
 1: [("q","Классификация горных пород по крепости."),("q","Способы вскрытия месторождений."),
     ("task","Рассчитайте объём выемки уступа высотой 12 м при ширине заходки 15 м и длине блока 200 м.")],
 2: [("q","Буровзрывные работы: параметры скважинных зарядов."),("q","Вентиляция карьеров."),
     ("task","Определите производительность экскаватора ЭКГ-5А за смену при коэффициенте использования 0,75.")],
 3: [("q","Системы разработки с обрушением руды и вмещающих пород."),("q","Крепление горных выработок."),
     ("task","Рассчитайте сечение выработки в свету для двухпутного откаточного штрека.")],
}
def qs(t): return [{"kind":k,"text":x} for k,x in tickets[((t-1)%3)+1]]
def header(**kw):
    e = {"id":"2026-12-GD-101","institution":"МОГАПОУ «Горный техникум»","discipline":"Технология горных работ",
         "form":"exam","mode":"written","group":"ГД-21","date":"2026-12-20","start":"09:00","room":"214",
         "examiners":["Петров П.П.","Сидорова А.А."],"commission":[],"disciplines":[],"attempt":1,"policy":"college"}
    e.update(kw); return e
def row(n, name, rb, status="admitted", grade=None, ticket=None, **kw):
    r = {"n":n,"full_name":name,"record_book":rb,"status":status,"code":"K%03d-M9XD"%n,
         "ticket":ticket,"questions":qs(ticket) if ticket else [],"second_ticket":False,
         "grade":grade,"graded_by":"Петров П.П." if grade not in (None,"absent","not_admitted") else None,
         "votes":[],"dissent":None,"extra_questions":[],"time":1797750000+n*60 if ticket else None,
         "attempt_id":"79b5562e-%d"%n if ticket else None,"corrections":[]}
    r.update(kw); return r

# 1. written exam, 40 students
rows=[]
names=[]
for i in range(40):
    names.append(surn[i % len(surn)] + " " + first[i % len(first)])
names[5] = "Константинопольский-Преображенский Александр-Эммануил Вольдемарович"
names[17] = "Жақсыбеков Әлихан Нұрсұлтанұлы"
names[28] = "Сапарова Айгерім Қуанышқызы"
grades = ["5","4","4","3","5","4","3","2","4","5"]
for i in range(40):
    n=i+1; rb="21-%04d"%n
    if n in (7,19,33):
        st = "expelled" if n==33 else "not_admitted"
        rows.append(row(n,names[i],rb,status=st,grade="not_admitted",code=""))
    elif n in (4,12,25,38):
        rows.append(row(n,names[i],rb,grade="absent"))
    else:
        g = grades[i%10]; t=(i%3)+1
        r=row(n,names[i],rb,grade=g,ticket=t)
        if n in (9,30): r["second_ticket"]=True; r["ticket"]=t+3
        if n==15:
            r["corrections"]=[{"grade":"4","was":"3","by":"Петров П.П.","reason":"ошибка при вводе оценки","appeal":None,"time":1797800000}]
            r["grade"]="4"
        rows.append(r)
json.dump({"exam":header(),"locked":{"time":1797836400,"by":"Иванова И.И."},"rows":rows},
          open(out+"written.json","w"),ensure_ascii=False,indent=1)

# 2. attempt-3 commission exam
com=["Иванов И.И.","Петров П.П.","Сидорова А.А."]
rows=[]
rows.append(row(1,"Абрамов Артём Сергеевич","21-0001",grade="4",ticket=2,
  votes=[{"member":com[0],"grade":"4"},{"member":com[1],"grade":"4"},{"member":com[2],"grade":"3"}],
  dissent="Сидорова А.А.: ответ на второй вопрос неполный, оценка «удовлетворительно».",
  extra_questions=["Назовите основные типы взрывчатых веществ.","Что такое коэффициент разрыхления породы?"]))
rows.append(row(2,"Константинопольский-Преображенский Александр-Эммануил Вольдемарович","21-0006",grade="3",ticket=1,
  votes=[{"member":com[0],"grade":"3"},{"member":com[1],"grade":"3"},{"member":com[2],"grade":"3"}]))
rows.append(row(3,"Жақсыбеков Әлихан Нұрсұлтанұлы","21-0018",grade="2",ticket=3,
  votes=[{"member":com[0],"grade":"2"},{"member":com[1],"grade":"3"},{"member":com[2],"grade":"2"}],
  dissent="Петров П.П. считает возможным поставить «удовлетворительно».",
  extra_questions=["Перечислите виды крепи."]))
rows.append(row(4,"Белова Анна Игоревна","21-0002",grade="absent"))
rows.append(row(5,"Зайцева Ксения Юрьевна","21-0008",status="not_admitted",grade="not_admitted",code=""))
for r in rows:
    if r["time"]: r["time"] = 1802241000 + r["n"] * 1200
json.dump({"exam":header(id="2027-02-GD-101-R2",attempt=3,date="2027-02-10",start="10:00",examiners=["Петров П.П."],commission=com),
           "locked":{"time":1802260000,"by":"Иванова И.И."},"rows":rows},
          open(out+"commission.json","w"),ensure_ascii=False,indent=1)

# 3. зачёт
rows=[]
zg=["pass","pass","fail","pass","absent","pass","pass","fail","pass","pass","pass","pass"]
for i in range(12):
    n=i+1; rb="22-%04d"%n
    if n==11: rows.append(row(n,names[i+3],rb,status="not_admitted",grade="not_admitted",code="")); continue
    g=zg[i]
    rows.append(row(n,names[i+3],rb,grade=g,ticket=None if g=="absent" else (i%3)+1))
json.dump({"exam":header(id="2026-12-IT-205",discipline="Информатика и информационные технологии в профессиональной деятельности",
                         form="zachet",mode="oral",group="ИТ-22",date="2026-12-18",start="13:30",room="301",examiners=["Ким Л.В."]),
           "locked":{"time":1797600000,"by":"Иванова И.И."},"rows":rows},
          open(out+"zachet.json","w"),ensure_ascii=False,indent=1)

# 4. with appeals
rows=[]
ag=["4","3","5","3","2","4"]
for i in range(6):
    n=i+1; rb="23-%04d"%n
    rows.append(row(n,names[i+10],rb,grade=ag[i],ticket=(i%3)+1))
rows[1]["corrections"]=[{"grade":"4","was":"3","by":"Иванова И.И.","reason":"Апелляция студента: вторая задача решена верно, ошибка в проверке.",
  "appeal":{"commission":["Орлов О.О.","Медведева М.М.","Соколов С.С."]},"time":1798088400}]
rows[1]["grade"]="4"
rows[4]["corrections"]=[{"grade":"2","was":"2","by":"Иванова И.И.","reason":"Апелляция студента: несогласие с оценкой.",
  "appeal":{"commission":["Орлов О.О.","Медведева М.М.","Соколов С.С."]},"time":1798092000}]
json.dump({"exam":header(id="2026-12-EL-310",discipline="Электрические машины и аппараты",form="diff_zachet",group="ЭЛ-31",
                         date="2026-12-22",room="105",examiners=["Фёдоров Ф.Ф.","Тарасова Т.Т."],policy="university"),
           "locked":{"time":1797850000,"by":"Иванова И.И."},"rows":rows},
          open(out+"appeal.json","w"),ensure_ascii=False,indent=1)
