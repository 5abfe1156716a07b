"""Every database holds the official list of provinces and communes from its first migration,
so a bundle imports into a freshly migrated, otherwise empty database (interchange.md §1)."""

from django.db import migrations


def load(apps, schema_editor):
    from vietnam_provinces import Province, Ward

    Unit = apps.get_model("agencies", "AdministrativeUnit")
    provinces = {}
    for p in Province.iter_all():
        code = f"{int(p.code):02d}"
        provinces[code] = Unit.objects.create(
            code=code, name=p.name, level="PROVINCE", division_type=p.division_type.value,
            province_code=code,
        )
    batch = []
    for w in Ward.iter_all():
        pcode = f"{int(w.province_code):02d}"
        batch.append(Unit(
            code=f"{int(w.code):05d}", name=w.name, level="COMMUNE", division_type=w.division_type.value,
            province_code=pcode, parent=provinces[pcode],
        ))
    Unit.objects.bulk_create(batch, batch_size=1000)


def unload(apps, schema_editor):
    apps.get_model("agencies", "AdministrativeUnit").objects.filter(level__in=["PROVINCE", "COMMUNE"]).delete()


class Migration(migrations.Migration):
    dependencies = [("agencies", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
