"""Plain functions that build test data (each returns a saved object), and the few helpers
that sign such data in to the admin."""

import itertools

from django.contrib.auth.models import Permission
from django.test import Client

from measures.management.commands.make_editor import make_editor
from measures.models import InstrumentType, Measure, Mention, Source
from regions.models import Region

_counter = itertools.count(1)


def make_source(**fields):
    n = next(_counter)
    values = {
        "slug": f"source-{n}",
        "title": f"来源文章 {n}",
        "publisher": "测试出版社",
        "text": "一是测试措施。",
        "status": Source.Status.PUBLISHED,
    }
    values.update(fields)
    return Source.objects.create(**values)


def make_measure(*, source=None, kind=Measure.Kind.REFORM, number=None, **fields):
    source = source or make_source()
    number = number or next(_counter)
    values = {
        "slug": f"{source.slug}-{kind}-{number}",
        "title": f"措施{number}",
        "body": f"措施{number}的段落。",
        "status": Measure.Status.PUBLISHED,
    }
    values.update(fields)
    return Measure.objects.create(source=source, kind=kind, number=number, **values)


def make_region(*, code, parent, level=Region.Level.TOWNSHIP, **fields):
    parent = parent if isinstance(parent, Region) else Region.objects.get(code=parent)
    values = {"name": f"测试区划{code}", "short_name": f"测试{code}", "name_en": f"Unit {code}"}
    values.update(fields)
    return Region.objects.create(code=code, parent=parent, level=level, **values)


def make_mention(*, measure=None, region="630000", type="other", **fields):
    measure = measure or make_measure()
    region = region if isinstance(region, Region) else Region.objects.get(code=region)
    type = type if isinstance(type, InstrumentType) else InstrumentType.objects.get(slug=type)
    values = {
        "name": f"测试机制{next(_counter)}",
        "action": "建立",
        "quote": "青海省建立测试机制。",
        "status": Mention.Status.PUBLISHED,
    }
    values.update(fields)
    return Mention.objects.create(measure=measure, region=region, type=type, **values)


def make_staff(username, *permissions):
    """A staff member with only the given permissions ("app.codename")."""
    user = make_editor(username, create=True).user
    user.groups.clear()
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def client_for(user):
    """A test client signed in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def form_data(form):
    """What a browser would post for an unchanged admin form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is False or value is None:
            continue
        data[name] = "on" if value is True else value
    return data
