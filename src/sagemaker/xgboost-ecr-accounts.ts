/**
 * The ECR accounts that host SageMaker's built-in XGBoost images, by region, and the image
 * versions they serve. Vendored from the SageMaker Python SDK's image URI config
 * (`aws/sagemaker-python-sdk@a24812666`, `sagemaker-core/src/sagemaker/core/image_uri_config/xgboost.json`,
 * training scope); every version from 0.90-1 to 3.2-0 uses this one account map.
 *
 * @example
 * ```ts
 * XGBOOST_ECR_ACCOUNTS['eu-west-1']; // '141502667606'
 * XGBOOST_IMAGE_VERSIONS.includes('1.7-1'); // true
 * ```
 */
export const XGBOOST_ECR_ACCOUNTS: Readonly<Record<string, string>> = Object.freeze({
  'af-south-1': '510948584623',
  'ap-east-1': '651117190479',
  'ap-northeast-1': '354813040037',
  'ap-northeast-2': '366743142698',
  'ap-northeast-3': '867004704886',
  'ap-south-1': '720646828776',
  'ap-south-2': '628508329040',
  'ap-southeast-1': '121021644041',
  'ap-southeast-2': '783357654285',
  'ap-southeast-3': '951798379941',
  'ap-southeast-4': '106583098589',
  'ca-central-1': '341280168497',
  'ca-west-1': '190319476487',
  'cn-north-1': '450853457545',
  'cn-northwest-1': '451049120500',
  'eu-central-1': '492215442770',
  'eu-central-2': '680994064768',
  'eu-north-1': '662702820516',
  'eu-south-1': '978288397137',
  'eu-south-2': '104374241257',
  'eu-west-1': '141502667606',
  'eu-west-2': '764974769150',
  'eu-west-3': '659782779980',
  'il-central-1': '898809789911',
  'me-central-1': '272398656194',
  'me-south-1': '801668240914',
  'sa-east-1': '737474898029',
  'us-east-1': '683313688378',
  'us-east-2': '257758044811',
  'us-gov-east-1': '237065988967',
  'us-gov-west-1': '414596584902',
  'us-iso-east-1': '833128469047',
  'us-isob-east-1': '281123927165',
  'us-isof-east-1': '108575199400',
  'us-isof-south-1': '124985052026',
  'us-west-1': '746614075791',
  'us-west-2': '246618743249',
});

/**
 * The built-in XGBoost image versions, oldest first. `1.7-1` runs XGBoost 1.7.4.
 *
 * @example
 * ```ts
 * XGBOOST_IMAGE_VERSIONS.includes('1.7-1'); // true
 * ```
 */
export const XGBOOST_IMAGE_VERSIONS: readonly string[] = Object.freeze([
  '0.90-1',
  '0.90-2',
  '1.0-1',
  '1.2-1',
  '1.2-2',
  '1.3-1',
  '1.5-1',
  '1.7-1',
  '3.0-5',
  '3.2-0',
]);

/**
 * The ECR repository of the built-in XGBoost images.
 *
 * @example
 * ```ts
 * `${XGBOOST_ECR_ACCOUNTS['us-east-1']}.dkr.ecr.us-east-1.amazonaws.com/${XGBOOST_REPOSITORY}:1.7-1`;
 * ```
 */
export const XGBOOST_REPOSITORY = 'sagemaker-xgboost';

/**
 * Regions whose ECR host is not `amazonaws.com`.
 *
 * @example
 * ```ts
 * XGBOOST_ALTERNATE_DOMAINS['cn-north-1']; // 'amazonaws.com.cn'
 * ```
 */
export const XGBOOST_ALTERNATE_DOMAINS: Readonly<Record<string, string>> = Object.freeze({
  'cn-north-1': 'amazonaws.com.cn',
  'cn-northwest-1': 'amazonaws.com.cn',
});
