"""Load Rasa's TensorFlow models (here: DIETClassifier) without tracing training.

To create a saved model's weights, Rasa (`RasaModel.load`) trains it on one
example and then overwrites the weights from the checkpoint. That one step runs
as a TensorFlow graph, so TensorFlow traces and optimises the whole training
graph (forward, backward, Adam) only to throw it away, which costs start-up time
and memory (measured in bench/README.md).

`eager_weight_building` (installed by the registry in runtime/patches.py)
creates the weights without that graph:
  1. one eager computation of the training loss creates the weights it reaches
     (no optimizer: serving never updates weights);
  2. one traced prediction creates the rest: a graph builds both sides of every
     `tf.cond`, such as encoders for features the example lacks;
  3. the checkpoint is restored, and every weight of the model must be found in
     it (`assert_existing_objects_matched`), so no weight keeps a random value
     (the optimizer's state in the file is left unread);
  4. the prediction is traced again, as Rasa's warm-up, so that it uses the
     restored weights (a model may cache values computed from its weights, e.g.
     label embeddings, when it first predicts).
Prediction then runs exactly as with Rasa's loader
(tests/integration/test_model_loading.py). Fine-tuning, models configured with
``run_eagerly`` and loads without a prediction example keep Rasa's own path.
"""

from collections.abc import Callable
from typing import Any

from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


def eager_weight_building(rasa_attribute: Any) -> Any:
    """The replacement of `RasaModel.load` (a classmethod); falls back to Rasa's."""
    rasa_load: Callable[..., RasaModel] = rasa_attribute.__func__

    def load(
        cls: type[RasaModel],
        model_file_name: str,
        model_data_example: RasaModelData,
        predict_data_example: RasaModelData | None = None,
        finetune_mode: bool = False,
        *args: Any,
        **kwargs: Any,
    ) -> RasaModel:
        config = kwargs.get("config", {})
        if finetune_mode or config.get(RUN_EAGERLY) or not predict_data_example:
            return rasa_load(
                cls,
                model_file_name,
                model_data_example,
                predict_data_example,
                finetune_mode,
                *args,
                **kwargs,
            )
        model = cls(*args, **kwargs)
        training_batch = RasaBatchDataGenerator(model_data_example, batch_size=1)[0][0]
        model._training = True  # as in RasaModel.train_step
        model.batch_loss(training_batch)
        model.run_inference(predict_data_example)  # sets training off
        status = model.load_weights(model_file_name)
        status.assert_existing_objects_matched()
        status.expect_partial()  # the optimizer's state: needed for training only
        model.prepared_for_prediction = False
        model._tf_predict_step = None
        model.run_inference(predict_data_example)
        return model

    return classmethod(load)
