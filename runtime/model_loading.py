"""Load Rasa's TensorFlow models without tracing their training step.

To create a saved model's weights, Rasa (`RasaModel.load`) trains it on one
example and then overwrites the weights from the checkpoint. That one step runs
as a TensorFlow graph, so TensorFlow traces and optimises the whole training
graph (forward, backward, Adam) of DIET, the ResponseSelector and TED: ~14 s of
our start-up and ~400 MB of memory that is never used again (README,
"Performance"). `install_eager_weight_building()` runs that single step
eagerly instead; the weights then come from the checkpoint exactly as before and
prediction still runs as a traced graph, warmed up on Rasa's example.
Fine-tuning and models configured with ``run_eagerly`` keep Rasa's own path.
"""
from typing import Any, Optional

from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]


def _load(
    cls: type,
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: Optional[RasaModelData] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    config = kwargs.get("config", {})
    if finetune_mode or config.get(RUN_EAGERLY):
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example,
                          finetune_mode, *args, **kwargs)
    # Build the weights with one eager step; no prediction warm-up yet, because
    # that must be traced as a graph, which needs run_eagerly off again.
    kwargs["config"] = {**config, RUN_EAGERLY: True}
    model = _rasa_load(cls, model_file_name, model_data_example, None, finetune_mode, *args, **kwargs)
    model.run_eagerly = config.get(RUN_EAGERLY)
    if getattr(model, "config", None) is kwargs["config"]:
        model.config = config
    if predict_data_example:
        model.run_inference(predict_data_example)  # Rasa's warm-up, as a graph
    return model


def install_eager_weight_building() -> None:
    """Replace RasaModel.load for this process (idempotent)."""
    RasaModel.load = classmethod(_load)  # type: ignore[assignment]
