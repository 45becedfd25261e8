// sessionsentry/sagemaker: the SageMaker backend (filled by the TrainRunner work).
export {};
