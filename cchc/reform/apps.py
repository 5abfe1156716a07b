from django.apps import AppConfig


class ReformConfig(AppConfig):
    name = "cchc.reform"
    label = "reform"
    verbose_name = "Chỉ số cải cách hành chính (PAR INDEX)"

    # import_bundle loads these after the files of interchange.md §1 (§6 of the contract)
    bundle_loaders = {
        "par_templates.csv": "cchc.reform.bundle.load_templates",
        "par_nodes.csv": "cchc.reform.bundle.load_nodes",
        "par_scores.csv": "cchc.reform.bundle.load_scores",
    }
